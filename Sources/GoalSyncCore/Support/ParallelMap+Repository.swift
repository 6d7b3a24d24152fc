import Foundation
import GoalSyncGit

extension ParallelMap {
    /// `transform` over `items` on the machine's cores, each worker with a libgit2 handle of its
    /// own on `repository`'s git folder (a handle is used by one thread only); results in input
    /// order. With fewer than two workers' worth of items (`perWorker` each), all on the calling
    /// thread with `repository`. Items of a worker that could not open the repository are done
    /// afterwards on the calling thread, so every item is transformed.
    package static func map<T, R>(_ items: [T], repository: Repository, perWorker: Int, _ transform: (Repository, T) -> R) -> [R] {
        let workers = min(ProcessInfo.processInfo.activeProcessorCount, items.count / max(1, perWorker))
        guard workers > 1 else { return items.map { transform(repository, $0) } }
        let gitDir = repository.gitDir
        let ranges = (0..<workers).map { chunkRange($0, of: workers, count: items.count) }
        let parts: [[R]?] = map(ranges, chunks: workers) { range in
            guard let repo = try? Repository.open(at: gitDir) else { return nil }
            return range.map { transform(repo, items[$0]) }
        }
        return zip(ranges, parts).flatMap { range, part in part ?? range.map { transform(repository, items[$0]) } }
    }
}
