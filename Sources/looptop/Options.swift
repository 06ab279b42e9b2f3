import ArgumentParser
import LoopTopEngine

extension Mode: ExpressibleByArgument {}
extension ArrivalPattern: ExpressibleByArgument {}
extension DataPassing: ExpressibleByArgument {}

/// The engine's knobs on the command line, shared by the dashboard and headless runs.
struct EngineOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Where jobs run: blocking (on the loop), chunked (on the loop in ~1 ms slices) or offloaded (on the workers).", valueName: "mode"))
    var mode: Mode = .offloaded

    @Option(help: ArgumentHelp("Workload of each job; `looptop workloads` lists them.", valueName: "name"))
    var workload: String = "primes"

    @Option(name: .customLong("job-ms"), parsing: .unconditional, help: ArgumentHelp("Target duration of one job in ms, sized through start-up calibration.", valueName: "ms"))
    var jobMs: Double = 20

    // `.unconditional`: a negative number ("-5") is a value to check, not an unknown flag
    // (ArgumentParser otherwise says "Missing value for '--job-ms <ms>'").
    @Option(parsing: .unconditional, help: ArgumentHelp("Job arrivals per second (0: none until a burst).", valueName: "jobs/s"))
    var rate: Double = 40

    @Option(help: ArgumentHelp("Spacing of arrivals: constant or poisson.", valueName: "pattern"))
    var arrival: ArrivalPattern = .constant

    @Option(parsing: .unconditional, help: ArgumentHelp("Worker threads at start.", valueName: "n"))
    var workers: Int = 4

    @Option(name: .customLong("queue"), parsing: .unconditional, help: ArgumentHelp("Bound of the job queue; jobs that do not fit are rejected and counted.", valueName: "capacity"))
    var queueCapacity: Int = 256

    @Option(name: .customLong("request-rate"), parsing: .unconditional, help: ArgumentHelp("Small requests per second served by the event loop.", valueName: "n"))
    var requestRate: Double = 200

    @Option(name: .customLong("input-kb"), parsing: .unconditional, help: ArgumentHelp("Input buffer each offloaded job carries, KiB (0: none).", valueName: "KiB"))
    var inputKB: Double = 0

    @Option(help: ArgumentHelp("How inputs reach workers: copy (a fresh copy per job), transfer (ownership moves, zero-copy) or shared (one region, atomics hand-over).", valueName: "how"))
    var passing: DataPassing = .copy

    @Option(help: ArgumentHelp("A workload spec (TOML): named workloads, their mix, arrivals and data passing. Its settings win over the flags above.", valueName: "file"))
    var spec: String?

    @Flag(name: .customLong("no-respawn"), help: "Do not replace a worker that fails.")
    var noRespawn = false

    @Flag(help: "Start with arrivals paused.")
    var paused = false

    func validate() throws {
        guard jobMs.isFinite, EngineSettings.jobMsRange.contains(jobMs) else {
            throw ValidationError("--job-ms must be between \(EngineSettings.jobMsRange.lowerBound) and \(Int(EngineSettings.jobMsRange.upperBound)), got \(jobMs)")
        }
        guard rate.isFinite, EngineSettings.rateRange.contains(rate) else {
            throw ValidationError("--rate must be between 0 and \(Int(EngineSettings.rateRange.upperBound)) jobs/s, got \(rate)")
        }
        guard (0...1024).contains(workers) else {
            throw ValidationError("--workers must be between 0 and 1024, got \(workers)")
        }
        guard (1...1_000_000).contains(queueCapacity) else {
            throw ValidationError("--queue must be between 1 and 1000000, got \(queueCapacity)")
        }
        guard inputKB.isFinite, EngineSettings.inputKBRange.contains(inputKB) else {
            throw ValidationError("--input-kb must be between 0 and \(Int(EngineSettings.inputKBRange.upperBound)), got \(inputKB)")
        }
        guard requestRate.isFinite, EngineSettings.requestRateRange.contains(requestRate) else {
            throw ValidationError("--request-rate must be between 0 and \(Int(EngineSettings.requestRateRange.upperBound)), got \(requestRate)")
        }
    }

    /// The spec named by `--spec`, or nil. A bad spec is a `FileError`.
    func loadSpec() throws -> WorkloadSpec? {
        guard let spec else { return nil }
        do {
            return try WorkloadSpec.load(path: spec)
        } catch let error as ConfigError {
            throw FileError(message: error.description)
        }
    }

    /// The engine these options describe, with its workloads measured.
    /// `distributions`: fill each snapshot's whole-run histograms (for `--metrics`).
    /// `catalog`: workloads measured already (`compare` measures once for both engines).
    func makeEngine(windowSeconds: Double = 5, distributions: Bool = false, catalog measured: WorkloadCatalog? = nil,
                    mode chosen: Mode? = nil) throws -> Engine {
        // Read the spec before measuring anything: a bad file fails at once.
        let spec = try loadSpec()
        let catalog = measured ?? WorkloadCatalog.calibrated()
        guard spec != nil || catalog.workload(named: workload) != nil else {
            throw ValidationError("--workload: unknown '\(workload)'; expected one of: \(catalog.names.joined(separator: ", "))")
        }
        var settings = EngineSettings()
        settings.mode = chosen ?? mode
        settings.workload = workload
        settings.jobMs = jobMs
        settings.rate = rate
        settings.arrival = arrival
        settings.paused = paused
        settings.requestRate = requestRate
        settings.inputKB = inputKB
        settings.passing = passing
        var configuration = Engine.Configuration(
            workers: workers, queueCapacity: queueCapacity, settings: settings,
            autoRespawn: !noRespawn, catalog: catalog, windowSeconds: windowSeconds)
        configuration.keepsDistributions = distributions
        let engine = Engine(configuration: configuration)
        if let spec {
            engine.apply(spec)
            // A spec's mode would make both sides of a comparison the same.
            if let chosen { engine.send(.setMode(chosen)) }
        }
        return engine
    }
}

/// A file the user wrote is wrong: printed as its one line, exit 2.
struct FileError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
