/// What happened to one job, published when it ends.
public struct JobRecord: Sendable, Equatable, Codable {
    public let id: UInt64
    public let workload: String
    public let mode: Mode
    public let outcome: JobOutcome
    /// Worker that ran it; nil when it ran on the event loop.
    public let workerID: Int?
    public let submittedAt: UInt64
    public let startedAt: UInt64
    public let finishedAt: UInt64
    /// Why it failed or was cancelled, if it did not complete.
    public let reason: String?
    /// Input bytes it carried, and bytes copied / ns spent copying to hand them over.
    public var inputBytes = 0
    public var copiedBytes = 0
    public var copyNanos: UInt64 = 0
    /// Bytes of new travelling buffers made for it (`transfer`, none free).
    public var allocatedBytes = 0

    public init(id: UInt64, workload: String, mode: Mode, outcome: JobOutcome, workerID: Int?,
                submittedAt: UInt64, startedAt: UInt64, finishedAt: UInt64, reason: String?) {
        self.id = id
        self.workload = workload
        self.mode = mode
        self.outcome = outcome
        self.workerID = workerID
        self.submittedAt = submittedAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.reason = reason
    }

    /// Time spent waiting in a queue, ns.
    public var waitNanos: UInt64 { startedAt &- submittedAt }
    /// Time spent running, ns.
    public var runNanos: UInt64 { finishedAt &- startedAt }
}

/// One line of the engine's story: the things a Node Worker reports as
/// 'online', 'error' and 'exit', plus jobs ending and control changes.
public struct EngineEvent: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable {
        /// A worker thread was created (`starting`).
        case workerSpawned = "spawn"
        /// A worker thread is running and waiting for work (Node's 'online').
        case workerReady = "online"
        /// A worker's job raised a fault and the worker failed (Node's 'error').
        case workerError = "error"
        /// A worker thread ended (Node's 'exit'), terminated or failed.
        case workerExited = "exit"
        /// A job ended (completed, failed or cancelled).
        case jobFinished = "job"
        /// A control change: mode, workload, size, rate, pause, burst.
        case control = "control"
        /// A warning-worthy moment the engine noticed, like a long loop stall.
        case notice = "notice"
    }

    public let time: UInt64
    public let kind: Kind
    public let workerID: Int?
    public let job: JobRecord?
    public let message: String

    public init(time: UInt64, kind: Kind, workerID: Int? = nil, job: JobRecord? = nil, message: String = "") {
        self.time = time
        self.kind = kind
        self.workerID = workerID
        self.job = job
        self.message = message
    }
}
