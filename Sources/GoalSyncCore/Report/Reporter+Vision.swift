/// `goalsync vision`: VISION.md as it stands in the working tree, with what validate says of it.
extension Reporter {
    /// VISION.md (nil when the file is missing or cannot be parsed) and its findings.
    package func visionView() -> (vision: Vision?, problems: [Diagnostic]) {
        guard FileSystem.exists(absolute(GoalPaths.vision)) else {
            return (nil, [Diagnostic(file: GoalPaths.vision, line: nil, field: nil, severity: .error, code: "error",
                                     message: "VISION.md is missing; write it with goalsync vision --set product='...' --set vision='...'")])
        }
        let file = TreeFile(path: GoalPaths.vision, blob: nil, isSymlink: FileSystem.isSymlink(absolute(GoalPaths.vision)))
        let problems = RepositoryValidator(goalValidator: repository.validator).validateVision(file) { try FileSystem.readRegularFile(absolute($0.path)) }
        let vision = (try? FileSystem.readRegularFile(absolute(GoalPaths.vision))).flatMap { try? MarkdownDocument.parse($0) }.map(Vision.init(document:))
        return (vision, problems)
    }
}
