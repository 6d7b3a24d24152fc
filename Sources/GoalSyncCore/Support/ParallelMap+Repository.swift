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
        return withoutActuallyEscaping(transform) { transform in
            let work = RepositoryWork(items: items, transform: transform, gitDir: repository.gitDir, workers: workers)
            defer { work.release() }
            let box = WorkerBox(work)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in box.value.run(worker) }
            return work.results(fallback: repository)
        }
    }
}

/// The shared state of ``ParallelMap/map(_:repository:perWorker:_:)``: each worker writes only the
/// result slots of its own range, and its flag.
private struct RepositoryWork<T, R> {
    let items: [T]
    let transform: (Repository, T) -> R
    let gitDir: String
    let workers: Int
    let slots: UnsafeMutableBufferPointer<R?>
    let opened: UnsafeMutableBufferPointer<Bool>

    init(items: [T], transform: @escaping (Repository, T) -> R, gitDir: String, workers: Int) {
        self.items = items
        self.transform = transform
        self.gitDir = gitDir
        self.workers = workers
        slots = .allocate(capacity: items.count)
        slots.initialize(repeating: nil)
        opened = .allocate(capacity: workers)
        opened.initialize(repeating: false)
    }

    func range(_ worker: Int) -> Range<Int> { items.count * worker / workers..<items.count * (worker + 1) / workers }

    func run(_ worker: Int) {
        guard let repo = try? Repository.open(at: gitDir) else { return }
        opened[worker] = true
        for i in range(worker) { slots[i] = transform(repo, items[i]) }
    }

    func results(fallback: Repository) -> [R] {
        for worker in 0..<workers where !opened[worker] {
            for i in range(worker) { slots[i] = transform(fallback, items[i]) }
        }
        return slots.map { $0! }
    }

    func release() {
        slots.deinitialize()
        slots.deallocate()
        opened.deallocate()
    }
}

/// Carries the work into `concurrentPerform`, whose iterations write disjoint slots.
private struct WorkerBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
