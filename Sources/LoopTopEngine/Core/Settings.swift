import Synchronization

/// The knobs a user turns, as one value. Changing them affects new jobs only.
public struct EngineSettings: Sendable, Equatable, Codable {
    public var mode: Mode = .offloaded
    /// Name of the workload new jobs use.
    public var workload: String = "primes"
    /// Target duration of one job, ms (sized through calibration).
    public var jobMs: Double = 20
    /// Job arrivals per second; 0 stops arrivals.
    public var rate: Double = 40
    public var arrival: ArrivalPattern = .constant
    /// Arrivals paused (bursts still go through).
    public var paused = false
    /// Requests per second the loop serves, each a small piece of work.
    public var requestRate: Double = 200
    /// Work in each request, µs.
    public var requestMicros: Double = 30
    /// Longest run of work chunked mode does before yielding, ms.
    public var sliceMs: Double = 1
    /// How often the lag probe timer is due, ms.
    public var probeIntervalMs: Double = 5
    /// Size of each offloaded job's input buffer, KiB (0: none).
    public var inputKB: Double = 0
    /// How that input reaches the worker.
    public var passing: DataPassing = .copy

    public init() {}

    /// Limits on sizes and rates, so a key held down cannot ask for the absurd.
    public static let jobMsRange: ClosedRange<Double> = 0.01...60_000
    public static let rateRange: ClosedRange<Double> = 0...100_000
    public static let requestRateRange: ClosedRange<Double> = 0...20_000
    public static let inputKBRange: ClosedRange<Double> = 0...1_048_576
}

/// The settings, shared between the control side and the loop.
final class SettingsBox: Sendable {
    private let mutex: ConditionMutex<EngineSettings>
    init(_ initial: EngineSettings) { mutex = ConditionMutex(initial) }
    var value: EngineSettings { mutex.withLock { $0 } }
    /// Applies `change` and returns the settings before and after.
    @discardableResult
    func update(_ change: (inout EngineSettings) -> Void) -> (old: EngineSettings, new: EngineSettings) {
        mutex.withLock { settings in
            let old = settings
            change(&settings)
            return (old, settings)
        }
    }
}

/// Job ids, unique across the engine, starting at 1.
final class JobIDs: Sendable {
    private let counter = Atomic<UInt64>(0)
    func next() -> UInt64 { counter.add(1, ordering: .relaxed).newValue }
    var last: UInt64 { counter.load(ordering: .relaxed) }
}
