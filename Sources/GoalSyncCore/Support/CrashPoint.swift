import Foundation

/// Named moments inside goalsync's multi-step writes where the tests kill the process
/// (`GOALSYNC_CRASH_AT=NAME` makes goalsync exit at once there, as SIGKILL would), to prove that a
/// killed pull, push or write leaves a valid repository and that running it again finishes the job.
package enum CrashPoint {
    package static func hit(_ name: String, environment: [String: String]) {
        if environment["GOALSYNC_CRASH_AT"] == name { _exit(137) }
    }
}
