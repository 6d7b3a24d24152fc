import Foundation
import GoalSyncGit

/// `goalsync edit ID`: the goal in the person's editor, then validated and committed. Their text
/// is never lost: until it commits, it stays in `.git/goalsync/edit-ID.md`.
package struct EditSession {
    package let repository: GoalRepository
    package let id: String

    package init(repository: GoalRepository, id: String) {
        self.repository = repository
        self.id = id
    }

    package func run(noVerify: Bool) throws -> CommitResult? {
        let path = try repository.path(forID: id)
        let original = try repository.loadGoal(id)
        let draft = repository.git.gitDir + "goalsync/edit-\(id).md"
        if !FileSystem.exists(draft) {
            let current = (try? FileSystem.readRegularFile(repository.absolute(path))) ?? Array(original.text.utf8)
            try FileSystem.writeAtomically(current, to: draft)
        }
        let env = repository.environment
        let editor = [env["VISUAL"], env["EDITOR"]].compactMap { $0 }.first { !$0.isEmpty } ?? "vi"
        let status: Int32
        switch Subprocess.runInTerminal("/bin/sh", arguments: ["-c", "\(editor) \"$1\"", "goalsync-edit", draft], environment: env, directory: repository.root) {
        case .success(let s): status = s
        case .failure(let error): throw GoalSyncError.usage("cannot start the editor '\(editor)': \(error.description); set EDITOR")
        }
        guard status == 0 else {
            throw GoalSyncError.editRejected(draft: draft, underlying: .usage("the editor '\(editor)' exited with status \(status)"))
        }
        let edited: [UInt8]
        do {
            edited = try FileSystem.readRegularFile(draft)
        } catch {
            throw GoalSyncError.editRejected(draft: draft, underlying: .unreadableGoal(path: path, line: nil, message: "\(RepositoryValidator.readDiagnostic(error, path: path).message)"))
        }
        do {
            let result = try GoalEditor(repository).applyEdit(id: id, text: edited, noVerify: noVerify)
            FileSystem.remove(draft)
            return result
        } catch let error as GoalSyncError {
            if case .locked = error { throw error }
            throw GoalSyncError.editRejected(draft: draft, underlying: error)
        }
    }
}
