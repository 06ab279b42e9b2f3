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

/// Every job the engine has seen, by where it is now, and the one place a
/// job's move is written: every change to a ledger goes through the
/// transitions below, each of which keeps the sum of all ledgers conserved.
///
/// The engine keeps several ledgers, summed in every snapshot: the pool's
/// queue (behind the pool's lock), the event loop's jobs (behind the same
/// lock), and one per worker (behind that worker's own lock) for the jobs in
/// its hands. A job moves between ledgers with ``handOut(_:)`` on one side and
/// ``takeQueued(_:)`` on the other under both locks, so in every snapshot
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

    /// A job arrived and waits in this ledger's queue.
    mutating func submitQueued() {
        submitted += 1
        queued += 1
    }

    /// A job arrived and was turned away: the queue was full.
    mutating func submitRejected() {
        submitted += 1
        rejected += 1
    }

    /// `count` waiting jobs leave this ledger for another (which takes them).
    mutating func handOut(_ count: UInt64) {
        queued -= count
    }

    /// `count` waiting jobs arrive from another ledger (which handed them out).
    mutating func takeQueued(_ count: UInt64) {
        queued += count
    }

    /// A waiting job starts.
    mutating func start() {
        queued -= 1
        running += 1
    }

    /// A running job ended.
    mutating func finish(_ outcome: JobOutcome) {
        running -= 1
        record(outcome)
    }

    /// Waiting jobs that never started (their queue was cleared at shutdown).
    mutating func cancelQueued(_ count: UInt64 = 1) {
        queued -= count
        cancelled += count
    }

    /// Waiting jobs turned away when moved to a queue that was full.
    mutating func rejectQueued(_ count: UInt64 = 1) {
        queued -= count
        rejected += count
    }

    /// Takes over every job of `other` (a worker that ended), which is left empty.
    mutating func absorb(_ other: inout JobCounts) {
        submitted += other.submitted
        queued += other.queued
        running += other.running
        completed += other.completed
        failed += other.failed
        cancelled += other.cancelled
        rejected += other.rejected
        other = JobCounts()
    }

    /// The sum of two ledgers (a snapshot's view of several).
    static func + (a: JobCounts, b: JobCounts) -> JobCounts {
        var sum = a
        var other = b
        sum.absorb(&other)
        return sum
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
