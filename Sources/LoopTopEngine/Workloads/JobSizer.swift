#if canImport(Glibc)
import Glibc
#endif

/// Where a job runs, for sizing: the same work can cost differently on the
/// loop thread and on a worker (caches, the CPU's clock, what shares the core).
public enum JobPlace: String, Sendable, CaseIterable {
    case loop, worker
}

/// Sizes jobs from what finished jobs cost, per workload (a spec's workload
/// is its kernel *with* its parameters, under its own name), per place and
/// per size, so a job asked for 20 ms gets the units that took 20 ms of CPU
/// in jobs like it. Start-up calibration is only the first guess: it is a
/// few ms measured once, and read 222 to 376 µs a unit for primes over six
/// starts of an idle machine (issue 11).
///
/// It learns from each job's thread CPU time, not its wall time, so jobs do
/// not shrink when their threads wait for a CPU: oversubscription shows as
/// run time longer than asked (and in CPU/WALL), never as smaller jobs.
/// A pure value; the event loop owns one and feeds it the jobs it sees end.
public struct JobSizer: Sendable {
    struct Key: Hashable, Sendable {
        var workload: String
        var place: JobPlace
        /// Jobs within a factor √2 of each other in asked size share a figure:
        /// per-job set-up (making inputs) weighs more in small jobs.
        var bucket: Int
    }

    /// One finished job: its size and what it cost.
    struct Sample: Sendable {
        var units: Double
        var cpuNanos: Double
    }

    private struct Learned: Sendable {
        var recent: [Sample] = []
        var next = 0
        /// Median ns per unit over `recent`.
        var estimate = 0.0
    }

    /// Recent jobs a figure is the median of.
    static let keep = 9
    private var learned: [Key: Learned] = [:]
    /// The newest figure of each workload and place, any size: the guess for a size not yet seen.
    private var latest: [String: [JobPlace: Double]] = [:]

    public init() {}

    static func bucket(ms: Double) -> Int { Int((log2(max(ms, 0.0001)) * 2).rounded()) }

    /// Learns from one finished job: `cpuNanos` of work for `units` units, asked as `targetMs`.
    public mutating func learn(workload: String, place: JobPlace, targetMs: Double, units: Int, cpuNanos: UInt64) {
        guard units > 0, cpuNanos > 0, targetMs > 0 else { return }
        let key = Key(workload: workload, place: place, bucket: Self.bucket(ms: targetMs))
        var entry = learned[key] ?? Learned()
        let sample = Sample(units: Double(units), cpuNanos: Double(cpuNanos))
        if entry.recent.count < Self.keep {
            entry.recent.append(sample)
        } else {
            entry.recent[entry.next] = sample
            entry.next = (entry.next + 1) % Self.keep
        }
        // The median: one job preempted mid-unit or hit by a page fault does not move it.
        let costs = entry.recent.map { $0.cpuNanos / $0.units }.sorted()
        entry.estimate = costs[costs.count / 2]
        learned[key] = entry
        latest[workload, default: [:]][place] = entry.estimate
    }

    /// Learned ns per unit for jobs like this, or nil before any finished.
    public func nanosPerUnit(workload: String, place: JobPlace, targetMs: Double) -> Double? {
        if let e = learned[Key(workload: workload, place: place, bucket: Self.bucket(ms: targetMs))], e.estimate > 0 {
            return e.estimate
        }
        return latest[workload]?[place]
    }

    /// Units that take about `ms` of CPU here, from learned costs, else the catalog's.
    ///
    /// A job costs a set-up (making its inputs, a final check) plus so much
    /// a unit, so ns per unit alone sizes wrongly while sizes still move
    /// (issue 11: matmul, whose inputs are two fresh matrices, ran 8-46 %
    /// long or short). Where recent jobs of these came in different sizes,
    /// the sizer fits cost = set-up + units × slope to them (Theil–Sen:
    /// medians of pairwise slopes, so a preempted job does not move it) and
    /// solves for the asked CPU time; otherwise it scales by ns per unit,
    /// which is exact once sizes have settled.
    public func units(for name: String, ms: Double, place: JobPlace, catalog: WorkloadCatalog) -> Int {
        guard let workload = catalog.workload(named: name) else { return catalog.units(for: name, ms: ms) }
        let target = ms * 1_000_000
        let wanted: Double
        if let entry = learned[Key(workload: name, place: place, bucket: Self.bucket(ms: ms))],
           let fitted = Self.fit(entry.recent, target: target) {
            wanted = fitted
        } else if let cost = nanosPerUnit(workload: name, place: place, targetMs: ms) {
            wanted = target / cost
        } else {
            return catalog.units(for: name, ms: ms)
        }
        let quantum = Double(max(1, workload.unitQuantum))
        let wholes = (wanted / quantum).rounded()
        return wholes.isFinite ? Int(max(1, min(wholes, 1e12)) * quantum) : Int(quantum)
    }

    /// Units for `target` ns from a fit of cost = set-up + units × slope, or
    /// nil where the samples cannot tell set-up from slope (sizes too close).
    static func fit(_ samples: [Sample], target: Double) -> Double? {
        guard samples.count >= 2 else { return nil }
        var slopes: [Double] = []
        for i in samples.indices {
            for j in samples.indices where j > i {
                let du = samples[j].units - samples[i].units
                // Sizes within 5 % of each other say nothing about the slope.
                guard abs(du) > 0.05 * max(samples[i].units, samples[j].units) else { continue }
                slopes.append((samples[j].cpuNanos - samples[i].cpuNanos) / du)
            }
        }
        guard !slopes.isEmpty else { return nil }
        slopes.sort()
        let slope = slopes[slopes.count / 2]
        guard slope > 0 else { return nil }
        let setups = samples.map { $0.cpuNanos - slope * $0.units }.sorted()
        let setup = setups[setups.count / 2]
        // A negative set-up or one that leaves no room for work is noise, not a fit.
        guard setup >= 0, setup < 0.9 * target else { return nil }
        let units = (target - setup) / slope
        return units.isFinite && units > 0 ? units : nil
    }
}

/// `looptop workloads --check`: how close jobs come to their asked size once
/// the sizer has learned from a few, per kernel and place.
public enum SizeCheck {
    public struct Result: Sendable {
        public var workload: String
        public var place: JobPlace
        public var askedMs: Double
        /// Wall time from start to end of the measured jobs, p50, ms.
        public var runP50Ms: Double
        /// The thread's CPU time in the same jobs, p50, ms: what the sizer aims
        /// at, and what run time is on a machine with a core to spare.
        public var cpuP50Ms: Double
        public var errorPercent: Double { askedMs > 0 ? (runP50Ms - askedMs) / askedMs * 100 : 0 }
        public var cpuErrorPercent: Double { askedMs > 0 ? (cpuP50Ms - askedMs) / askedMs * 100 : 0 }
    }

    /// Runs `warmup` jobs to learn from, then `jobs` measured ones, of `ms`
    /// each, on the calling thread.
    public static func run(_ name: String, ms: Double, place: JobPlace, catalog: WorkloadCatalog,
                           warmup: Int = 5, jobs: Int = 7) -> Result? {
        guard let workload = catalog.workload(named: name) else { return nil }
        var sizer = JobSizer()
        var walls: [Double] = []
        var cpus: [Double] = []
        for i in 0..<(warmup + jobs) {
            let units = sizer.units(for: name, ms: ms, place: place, catalog: catalog)
            let cpu0 = selfCPUNanos()
            let wall = Calibration.measure(workload, units: units)
            let cpu = selfCPUNanos() &- cpu0
            sizer.learn(workload: name, place: place, targetMs: ms, units: units, cpuNanos: cpu)
            if i >= warmup {
                walls.append(Double(wall) / 1e6)
                cpus.append(Double(cpu) / 1e6)
            }
        }
        walls.sort()
        cpus.sort()
        return Result(workload: name, place: place, askedMs: ms, runP50Ms: walls[walls.count / 2],
                      cpuP50Ms: cpus[cpus.count / 2])
    }

    /// The same on a thread of its own, as a worker would run it.
    public static func runOnAThread(_ name: String, ms: Double, catalog: WorkloadCatalog) -> Result? {
        final class Box: @unchecked Sendable { var result: SizeCheck.Result? }
        let box = Box()
        guard let thread = OSThread.spawn(name: "looptop-check", body: {
            box.result = run(name, ms: ms, place: .worker, catalog: catalog)
        }) else { return nil }
        thread.join()
        return box.result
    }
}
