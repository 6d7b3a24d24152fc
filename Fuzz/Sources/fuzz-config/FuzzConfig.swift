// libFuzzer target fuzz-config: FuzzChecks.config on each input, a trap on a finding
// (Fuzz/README.md; build and run with scripts/fuzz.sh).
import GoalSyncFuzzChecks

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    if let finding = FuzzChecks.config(bytes) { fatalError("fuzz-config: \(finding)") }
    return 0
}
