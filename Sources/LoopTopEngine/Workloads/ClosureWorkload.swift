/// A workload written as a Swift closure, for programs that use the engine as
/// a library.
///
/// The closure gets the job's ``JobContext`` (call `checkpoint()` between
/// pieces of work so terminate can cancel it) and its size in units; how
/// much work a unit is, is the closure's to say. Calibration measures it like
/// any other workload. A closure cannot be paused halfway, so in chunked mode
/// it runs as one slice.
///
/// ```swift
/// var catalog = WorkloadCatalog.calibrated()
/// catalog.register(ClosureWorkload(name: "fib") { context, units in
///     for _ in 0..<units {
///         try context.checkpoint()
///         guard fib(24) == 46_368 else { throw WorkloadError("fib is wrong") }
///     }
/// })
/// ```
public struct ClosureWorkload: Workload {
    public let name: String
    public let summary: String
    private let body: @Sendable (JobContext, Int) throws -> Void

    public init(name: String, summary: String = "a Swift closure",
                body: @escaping @Sendable (_ context: JobContext, _ units: Int) throws -> Void) {
        self.name = name
        self.summary = summary
        self.body = body
    }

    public func makeRun(units: Int, seed: UInt64) -> any WorkloadRun {
        ClosureRun(units: units, body: body)
    }

    /// The whole job at once, as its one step would run it.
    @inline(__always)
    public var wholeJob: (@Sendable (JobContext, Int) throws -> Void)? { body }
}

final class ClosureRun: WorkloadRun {
    private let units: Int
    private let body: @Sendable (JobContext, Int) throws -> Void

    init(units: Int, body: @escaping @Sendable (JobContext, Int) throws -> Void) {
        self.units = units
        self.body = body
    }

    func step(_ context: JobContext) throws -> Bool {
        try body(context, units)
        return true
    }
}
