/// Two engines side by side (`looptop compare`): the same workload, sizes,
/// rate and arrivals, each in its own mode, both on this machine's cores.
///
/// Both engines are made from the same settings and catalog, and each
/// loop draws its arrival gaps from the same fixed seed (``EventLoop``'s
/// SplitMix64), so with Poisson arrivals both see the same sequence of gaps.
/// Commands that change the load (size, rate, workload, pause, burst, spawn,
/// reset) go to both; a mode change would make them the same, so it is
/// refused with one line.
public final class CompareSource: SnapshotSource {
    public let left: Engine
    public let right: Engine

    public init(left: Engine, right: Engine) {
        self.left = left
        self.right = right
    }

    public var info: SourceInfo {
        SourceInfo(kind: .compare,
                   title: "compare \(left.settings.mode.rawValue) vs \(right.settings.mode.rawValue)",
                   version: LoopTopVersion.current)
    }

    /// Keys that change the load act on both; there is no single worker to
    /// terminate or detail, and no spec to reload.
    public var capabilities: SourceCapabilities { [.control, .lessons] }

    public func start() {
        left.start()
        right.start()
    }

    public func stop() {
        left.stop()
        right.stop()
    }

    /// The left engine's frame, marked as this source's (the protocol's one
    /// frame); ``pair(detailFor:)`` gives both.
    public func snapshot(detailFor worker: Int?) -> Snapshot {
        var snap = left.snapshot(detailFor: nil)
        snap.source = info
        return snap
    }

    /// Both newest frames. A read.
    public func pair() -> (left: Snapshot, right: Snapshot) {
        (left.snapshot(detailFor: nil), right.snapshot(detailFor: nil))
    }

    /// A frame of each made now, closing their intervals when `scopes`
    /// (headless lines and lessons).
    public func tick(scopes: Bool = true) -> (left: Snapshot, right: Snapshot) {
        (left.tick(scopes: scopes), right.tick(scopes: scopes))
    }

    @discardableResult
    public func send(_ command: Command) -> CommandOutcome {
        switch command {
        case .setMode, .cycleMode:
            return .unsupported("compare: each side keeps its mode (--left, --right)")
        case .terminate, .injectFault:
            return .unsupported("compare: not available")
        default:
            let outcome = left.send(command)
            right.send(command)
            return .done("both: \(outcome.message)")
        }
    }

    public var ending: SourceEnding? { left.ending ?? right.ending }
}
