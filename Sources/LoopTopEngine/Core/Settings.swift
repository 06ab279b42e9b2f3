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
    /// Periodic bursts on top of the rate: `burstSize` jobs at once every
    /// `burstEverySeconds` (0 for either: none). Paused with the arrivals.
    public var burstSize = 0
    public var burstEverySeconds = 0.0
    /// Requests per second the loop serves, each a small piece of work.
    public var requestRate: Double = 200
    /// Work in each request, µs.
    public var requestMicros: Double = 30
    /// Longest run of work chunked mode does before yielding, ms.
    public var sliceMs: Double = 1
    /// How often the lag probe timer is due, ms. A job of N ms on the loop
    /// reads between N − interval and N (the probe due soonest after the job
    /// started fires when it ends), so 1 ms keeps the reading within 1 ms of
    /// the truth, at the cost of ~1000 idle wake-ups a second.
    public var probeIntervalMs: Double = 1
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

    /// A job mix: when not empty, each arrival picks one entry by weight
    /// (otherwise every job is `workload` of `jobMs`).
    public var mix: [MixEntry] = []
    /// A name for the mix (the spec file it came from), for display.
    public var mixName: String?

    /// What new jobs are, in a few words: `primes` or `load.toml: thumbnails/imports/gzip`.
    public var workloadLabel: String {
        guard !mix.isEmpty else { return workload }
        return (mixName.map { $0 + ": " } ?? "mix: ") + mix.map(\.workload).joined(separator: "/")
    }
}

/// One workload of a job mix, with its share and size.
public struct MixEntry: Sendable, Equatable, Codable {
    public var workload: String
    public var weight: Double
    /// Size by time, through calibration…
    public var jobMs: Double?
    /// …or by the workload's own units (rows, products, runs).
    public var units: Int?

    public init(workload: String, weight: Double = 1, jobMs: Double? = nil, units: Int? = nil) {
        self.workload = workload
        self.weight = weight
        self.jobMs = jobMs
        self.units = units
    }
}

/// The settings and the workload catalog, shared between the control side
/// and the loop; the loop re-reads them when they change.
final class SettingsBox: Sendable {
    private struct State {
        var settings: EngineSettings
        var catalog: WorkloadCatalog
        var catalogVersion: UInt64 = 0
    }
    private let mutex: ConditionMutex<State>
    /// Bumped after every change, so the loop can skip the lock when nothing changed.
    private let changes = Atomic<UInt64>(0)
    var changeCount: UInt64 { changes.load(ordering: .acquiring) }
    init(_ initial: EngineSettings, catalog: WorkloadCatalog) {
        mutex = ConditionMutex(State(settings: initial, catalog: catalog))
    }
    var value: EngineSettings { mutex.withLock { $0.settings } }
    var catalog: WorkloadCatalog { mutex.withLock { $0.catalog } }
    var catalogVersion: UInt64 { mutex.withLock { $0.catalogVersion } }

    /// Applies `change` and returns the settings before and after.
    @discardableResult
    func update(_ change: (inout EngineSettings) -> Void) -> (old: EngineSettings, new: EngineSettings) {
        defer { changes.add(1, ordering: .releasing) }
        return mutex.withLock { state in
            let old = state.settings
            change(&state.settings)
            return (old, state.settings)
        }
    }

    /// Replaces catalog and settings together, so the loop never sees one without the other.
    func replace(catalog: WorkloadCatalog, settings: EngineSettings) {
        defer { changes.add(1, ordering: .releasing) }
        mutex.withLock { state in
            state.catalog = catalog
            state.settings = settings
            state.catalogVersion += 1
        }
    }
}

/// Job ids, unique across the engine, starting at 1.
final class JobIDs: Sendable {
    private let counter = Atomic<UInt64>(0)
    func next() -> UInt64 { counter.add(1, ordering: .relaxed).newValue }
    var last: UInt64 { counter.load(ordering: .relaxed) }
}
