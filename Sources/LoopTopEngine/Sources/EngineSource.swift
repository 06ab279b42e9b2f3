/// The in-process engine as a ``SnapshotSource``: it can do everything.
extension Engine {
    public var info: SourceInfo { SourceInfo(kind: .engine, title: "engine", version: LoopTopVersion.current) }

    public var capabilities: SourceCapabilities {
        [.control, .lessons, .workerDetail, .reloadSpec, .terminateWorker]
    }

    /// The engine runs until stopped.
    public var ending: SourceEnding? { phase.withLock { $0 == .stopped ? .stopped : nil } }
}

/// looptop's version, for recordings and the source's info.
public enum LoopTopVersion {
    public static let current = "0.3.0"
}
