import GoalSyncGit

/// A service over one goal repository: ``GoalEditor``, ``Syncer``, ``Auditor``,
/// ``RepositoryChecks`` and ``Reporter`` each hold the ``GoalRepository`` handle and do one kind of
/// work with it. The handle's state (the git repository, the work tree, the configuration, the
/// environment, today) reads the same inside every service.
protocol RepositoryService {
    var repository: GoalRepository { get }
}

extension RepositoryService {
    var git: Repository { repository.git }
    /// The work tree, without a trailing slash.
    var root: String { repository.root }
    var config: RepoConfig { repository.config }
    var environment: [String: String] { repository.environment }
    var today: SimpleDate { repository.today }
    func absolute(_ relative: String) -> String { repository.absolute(relative) }
}
