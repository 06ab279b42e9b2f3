import Synchronization

/// A kind of CPU work.
///
/// A workload makes *runs*: one per job, created on the thread that executes
/// the job, so a run need not be `Sendable`. A run advances in *units*, each
/// about 20–200 µs of work; between units the engine checks for cancellation,
/// and in chunked mode it yields to the event loop once a slice of about 1 ms
/// is used up. A job is sized in units, from a target duration through the
/// calibration measured at start-up (``WorkloadCatalog``).
///
/// A run verifies its own result (a checksum or an invariant) and throws when
/// it is wrong, so the optimiser cannot remove the work and a wrong result
/// becomes a *failed* job.
public protocol Workload: Sendable {
    /// Short name used on the command line and in the dashboard (`primes`).
    var name: String { get }
    /// One line on what it computes.
    var summary: String { get }
    /// Its parameters and what one unit of work is, for listings (`n=128; unit: 8 rows`).
    var parameters: String { get }
    /// Jobs are made of whole multiples of this many units (a whole matrix
    /// product, a whole image), so each result can be checked.
    var unitQuantum: Int { get }
    /// Starts one job of `units` units. `seed` varies the input between jobs.
    func makeRun(units: Int, seed: UInt64) -> any WorkloadRun
    /// A body the worker calls once for the whole job, with no run object
    /// (a Swift closure's); nil for a workload that runs unit by unit.
    var wholeJob: (@Sendable (JobContext, Int) throws -> Void)? { get }
}

extension Workload {
    public var parameters: String { "" }
    public var wholeJob: (@Sendable (JobContext, Int) throws -> Void)? { nil }
    public var unitQuantum: Int { 1 }

    /// `units` rounded up to whole quanta (at least one).
    public func wholeUnits(_ units: Int) -> Int {
        let quantum = max(1, unitQuantum)
        return max(1, (units + quantum - 1) / quantum) * quantum
    }
}

/// One job's work in progress, used on one thread only.
public protocol WorkloadRun: AnyObject {
    /// Does one unit of work. Returns true once every unit is done and the
    /// result has been verified; throws when the work fails.
    func step(_ context: JobContext) throws -> Bool
}

/// What a run can ask of the engine while it works.
public struct JobContext: @unchecked Sendable {
    // Points at the flag of the thread running the job; valid for the job's life.
    private let flag: JobFlags?

    init(flag: JobFlags?) { self.flag = flag }

    /// A context that is never cancelled (calibration, tests).
    public static let detached = JobContext(flag: nil)

    @inline(__always)
    func publishProgress(done: Int, of total: Int) { flag?.publishProgress(done: done, of: total) }

    /// True once the job has been cancelled (its worker was terminated).
    public var isCancelled: Bool { flag?.stopReason() != nil }

    /// Throws ``JobInterruption`` if the job must stop now. Long-running
    /// closures call it between pieces of work; kernels need not, as the engine
    /// calls it between units.
    public func checkpoint() throws {
        if let reason = flag?.stopReason() { throw reason }
    }
}

/// Why a job stopped before its end.
public enum JobInterruption: Error, Sendable, Equatable {
    /// Its worker was terminated: the job is counted *cancelled*.
    case cancelled
    /// A fault was injected into its worker: the job is *failed*, the worker too.
    case workerFault
}

/// A workload's result was wrong, or its input could not be made.
public struct WorkloadError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A worker's (or the loop's) slot in the metrics channel: the flags its
/// running job watches, set by other threads, and the job's progress, which
/// the thread publishes after every unit with a relaxed store, no lock.
final class JobFlags: Sendable {
    private let cancel = Atomic<Bool>(false)
    private let fault = Atomic<Bool>(false)
    private let unitsDone = Atomic<Int>(0)
    private let unitsTotal = Atomic<Int>(0)

    /// Publishes how far the current job has got.
    @inline(__always)
    func publishProgress(done: Int, of total: Int) {
        unitsDone.store(done, ordering: .relaxed)
        if done == 0 { unitsTotal.store(total, ordering: .relaxed) }
    }

    /// Share of the current job's units done, 0…1 (nil before any job).
    var progress: Double? {
        let total = unitsTotal.load(ordering: .relaxed)
        guard total > 0 else { return nil }
        return min(1, Double(unitsDone.load(ordering: .relaxed)) / Double(total))
    }

    @inline(__always)
    func stopReason() -> JobInterruption? {
        if fault.load(ordering: .relaxed) { return .workerFault }
        if cancel.load(ordering: .relaxed) { return .cancelled }
        return nil
    }

    func requestCancel() { cancel.store(true, ordering: .relaxed) }
    func requestFault() { fault.store(true, ordering: .relaxed) }
    var faultRequested: Bool { fault.load(ordering: .relaxed) }
    var cancelRequested: Bool { cancel.load(ordering: .relaxed) }
}
