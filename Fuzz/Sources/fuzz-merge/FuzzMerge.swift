// libFuzzer target fuzz-merge: FuzzChecks.merge on each input, a trap on a finding
// (Fuzz/README.md; build and run with scripts/fuzz.sh).
import GoalSyncFuzzChecks

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    if let finding = FuzzChecks.merge(bytes) { fatalError("fuzz-merge: \(finding)") }
    return 0
}
