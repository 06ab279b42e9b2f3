/// One piece of CPU work: a workload plus its size, with an id and the time
/// it was submitted. The work itself is started on the thread that runs it.
public struct Job: Sendable {
    public let id: UInt64
    public let workload: any Workload
    /// Units of the workload's work (see ``Workload/makeRun(units:seed:)``).
    public let units: Int
    /// The size asked for, in ms, for display.
    public let targetMs: Double
    /// Engine-clock time the job arrived.
    public let submittedAt: UInt64
    /// Where the job runs: set when the loop dispatches it, by the mode then.
    public internal(set) var mode: Mode
    /// Its input buffer, attached when it is handed to the pool.
    public internal(set) var input: JobInput?

    public init(id: UInt64, workload: any Workload, units: Int, targetMs: Double, submittedAt: UInt64, mode: Mode) {
        self.id = id
        self.workload = workload
        self.units = units
        self.targetMs = targetMs
        self.submittedAt = submittedAt
        self.mode = mode
    }
}

/// Every job the engine has seen, by where it is now. Kept under one lock with
/// the queues so that each transition is one step and, in every snapshot,
/// `submitted == queued + running + completed + failed + cancelled + rejected`.
public struct JobCounts: Sendable, Equatable, Codable {
    public var submitted: UInt64 = 0
    public var queued: UInt64 = 0
    public var running: UInt64 = 0
    public var completed: UInt64 = 0
    public var failed: UInt64 = 0
    public var cancelled: UInt64 = 0
    public var rejected: UInt64 = 0

    public init() {}

    /// Jobs that reached an end.
    public var finished: UInt64 { completed + failed + cancelled + rejected }

    /// The conservation rule.
    public var isConserved: Bool {
        submitted == queued + running + completed + failed + cancelled + rejected
    }

    mutating func submitQueued() {
        submitted += 1
        queued += 1
    }

    mutating func submitRejected() {
        submitted += 1
        rejected += 1
    }

    mutating func start() {
        queued -= 1
        running += 1
    }

    mutating func finish(_ outcome: JobOutcome) {
        running -= 1
        record(outcome)
    }

    /// A queued job that never started (its queue was cleared at shutdown).
    mutating func cancelQueued() {
        queued -= 1
        cancelled += 1
    }

    private mutating func record(_ outcome: JobOutcome) {
        switch outcome {
        case .completed: completed += 1
        case .failed: failed += 1
        case .cancelled: cancelled += 1
        case .rejected: rejected += 1
        }
    }
}
