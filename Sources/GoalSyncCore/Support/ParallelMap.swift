import Foundation

/// The one parallel map of goalsync: a transform over an array on the machine's cores, results in
/// input order (`DispatchQueue.concurrentPerform`, each iteration writing its own slots).
package enum ParallelMap {
    /// `transform` over `items`: on the calling thread for fewer than 64 items, else in chunks
    /// (four per core, at least 16 items each).
    package static func map<T, R>(_ items: [T], _ transform: (T) -> R) -> [R] {
        if items.count < 64 { return items.map(transform) }
        return map(items, chunks: max(1, min(ProcessInfo.processInfo.activeProcessorCount * 4, items.count / 16)), transform)
    }

    /// `transform` over `items` in exactly `chunks` contiguous chunks run concurrently (at most one
    /// per item).
    package static func map<T, R>(_ items: [T], chunks requested: Int, _ transform: (T) -> R) -> [R] {
        let chunks = min(max(1, requested), items.count)
        guard chunks > 1 else { return items.map(transform) }
        return withoutActuallyEscaping(transform) { transform in
            let results = UnsafeMutableBufferPointer<R?>.allocate(capacity: items.count)
            results.initialize(repeating: nil)
            defer {
                results.deinitialize()
                results.deallocate()
            }
            let box = UncheckedBox((items, transform, results))
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let (items, transform, results) = box.value
                for i in chunkRange(chunk, of: chunks, count: items.count) { results[i] = transform(items[i]) }
            }
            return results.map { $0! }
        }
    }

    /// The items of chunk `chunk` of `chunks` over `count` items.
    static func chunkRange(_ chunk: Int, of chunks: Int, count: Int) -> Range<Int> {
        count * chunk / chunks..<count * (chunk + 1) / chunks
    }
}

/// Carries values into `concurrentPerform`, whose iterations write disjoint slots only.
private struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
