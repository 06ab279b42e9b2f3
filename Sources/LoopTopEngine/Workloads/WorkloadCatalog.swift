/// The workloads an engine can run, each with its measured cost per unit.
///
/// Built at start-up: each workload runs for a few ms and the time per unit
/// is kept, so a job "of 20 ms" gets the units that take about 20 ms here.
public struct WorkloadCatalog: Sendable {
    public struct Entry: Sendable {
        public let workload: any Workload
        /// Measured cost of one unit on this machine, ns.
        public let nanosPerUnit: Double
    }

    public private(set) var entries: [Entry]
    /// Measured cost of one step of the spin generator, ns (for request work).
    public let nanosPerSpinIteration: Double

    /// The workloads that ship with looptop.
    public static func builtIn() -> [any Workload] {
        [SpinWorkload(), PrimesWorkload(), HashWorkload(), MatmulWorkload(), SortWorkload(), CSVParseWorkload(),
         JSONWorkload(), MandelbrotWorkload(), BlurWorkload()]
    }

    /// Measures each workload for about `budgetMs` and builds the catalog.
    public static func calibrated(_ workloads: [any Workload] = builtIn(), budgetMs: Double = 15) -> WorkloadCatalog {
        let spin = Calibration.nanosPerUnit(of: SpinWorkload(), budgetMs: budgetMs)
        let entries = workloads.map { workload in
            let cost = workload is SpinWorkload ? spin : Calibration.nanosPerUnit(of: workload, budgetMs: budgetMs)
            return Entry(workload: workload, nanosPerUnit: cost)
        }
        return WorkloadCatalog(entries: entries, nanosPerSpinIteration: spin / Double(SpinWorkload.stepsPerUnit))
    }

    /// A catalog with given costs, for tests that must not depend on the machine.
    public init(entries: [Entry], nanosPerSpinIteration: Double) {
        var seen = Set<String>()
        self.entries = entries.filter { seen.insert($0.workload.name).inserted }
        self.nanosPerSpinIteration = max(0.01, nanosPerSpinIteration)
    }

    /// Adds (or replaces) a workload, measuring it unless `nanosPerUnit` is given.
    public mutating func register(_ workload: any Workload, nanosPerUnit: Double? = nil) {
        let cost = nanosPerUnit ?? Calibration.nanosPerUnit(of: workload, budgetMs: 15)
        entries.removeAll { $0.workload.name == workload.name }
        entries.append(Entry(workload: workload, nanosPerUnit: max(1, cost)))
    }

    public var names: [String] { entries.map(\.workload.name) }

    /// The workloads that run an external command, by name: the command line.
    public var commandLines: [String: String] {
        var out: [String: String] = [:]
        for entry in entries {
            if let command = entry.workload as? CommandWorkload { out[command.name] = command.arguments.joined(separator: " ") }
        }
        return out
    }

    public func entry(named name: String) -> Entry? { entries.first { $0.workload.name == name } }

    public func workload(named name: String) -> (any Workload)? { entry(named: name)?.workload }

    /// Units that take about `ms` here (at least one).
    public func units(for name: String, ms: Double) -> Int {
        guard let entry = entry(named: name), entry.nanosPerUnit > 0 else { return 1 }
        let quantum = Double(max(1, entry.workload.unitQuantum))
        let wholes = (ms * 1_000_000 / entry.nanosPerUnit / quantum).rounded()
        return wholes.isFinite ? Int(max(1, min(wholes, 1e12)) * quantum) : Int(quantum)
    }

    /// Spin-generator steps that take about `micros` here.
    func spinIterations(forMicros micros: Double) -> Int {
        max(1, Int((micros * 1000 / nanosPerSpinIteration).rounded()))
    }
}

/// Start-up measurement of a workload's cost per unit.
public enum Calibration {
    /// Finds a job size that takes about `budgetMs / 3`, after a warm-up of
    /// the same length (caches, lazy tables, the CPU's clock ramping up), then
    /// measures it four times and returns the fastest, in ns per unit.
    public static func nanosPerUnit(of workload: any Workload, budgetMs: Double) -> Double {
        let target = Nanos.fromMs(max(0.3, budgetMs / 3))
        var units = workload.wholeUnits(1)
        var warmed = false
        while true {
            let elapsed = measure(workload, units: units)
            if elapsed >= target || units >= 1 << 24 {
                if warmed { break }
                warmed = true
                continue
            }
            // Aim straight at the target once a reading is worth trusting.
            if elapsed > target / 16 {
                units = max(units + 1, Int(Double(units) * Double(target) / Double(max(1, elapsed)) * 1.05))
            } else {
                units *= 2
            }
            units = workload.wholeUnits(units)
        }
        // Interference (another process, a page fault) only ever adds time,
        // so the fastest of a few readings is the truest cost of the work.
        let readings = (0..<4).map { _ in Double(measure(workload, units: units)) / Double(units) }
        return max(1, readings.min() ?? 1)
    }

    /// Time one job of `units` takes on this thread, ns.
    public static func measure(_ workload: any Workload, units: Int) -> UInt64 {
        let start = monotonicNow()
        let run = workload.makeRun(units: units, seed: 1)
        do {
            while try !run.step(.detached) {}
        } catch {
            // A failing workload still costs what it cost; the job will fail at run time.
        }
        return monotonicNow() - start
    }
}
