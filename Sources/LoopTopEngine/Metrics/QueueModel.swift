#if canImport(Glibc)
import Glibc
#endif

/// What queueing theory predicts for the pool, from what was measured over
/// one span of time, next to what was measured.
///
/// The model is M/G/c: Poisson arrivals at rate λ, a general service time
/// with mean S and coefficient of variation cv, and c servers. Its mean wait
/// in the queue is approximated (Allen–Cunneen, with Poisson arrivals) as
///
///     Wq ≈ C(c, λS) · (1 + cv²) / 2 / (c/S − λ)
///
/// where C is the Erlang C probability that an arriving job must wait. For
/// c = 1 this is exactly the Pollaczek–Khinchine formula
/// Wq = ρ S (1 + cv²) / (2 (1 − ρ)). With utilization ρ = λS/c at 1 or more
/// the queue grows without bound and there is no finite prediction.
///
/// The formula assumes Poisson arrivals: with constant arrivals (looptop's
/// default) real waits are shorter than predicted.
public struct QueueModel: Sendable, Equatable, Codable {
    /// Jobs offered per second, rejected ones included.
    public var arrivalRate: Double
    /// Mean service time of a job, ms.
    public var serviceMs: Double
    /// Standard deviation over mean of the service time.
    public var serviceCV: Double
    /// How many jobs can be served at once.
    public var servers: Int
    /// Why `servers` is what it is, in words.
    public var serversReason: String
    /// λ·S/c: the share of the servers' capacity the arrivals ask for.
    public var utilization: Double
    /// Whether the queue settles (utilization under 1).
    public var stable: Bool
    /// Mean queue wait the model predicts, ms; nil when unstable or unknown.
    public var predictedWaitMs: Double?
    /// Mean queue wait measured over the same span, ms; nil with no jobs.
    public var measuredWaitMs: Double?

    public init(arrivalRate: Double, serviceMs: Double, serviceCV: Double, servers: Int,
                serversReason: String = "", measuredWaitMs: Double? = nil) {
        self.arrivalRate = max(0, arrivalRate)
        self.serviceMs = max(0, serviceMs)
        self.serviceCV = max(0, serviceCV)
        self.servers = max(1, servers)
        self.serversReason = serversReason
        self.measuredWaitMs = measuredWaitMs
        utilization = QueueModel.utilization(arrivalRate: self.arrivalRate, serviceMs: self.serviceMs,
                                             servers: self.servers)
        stable = utilization < 1
        predictedWaitMs = QueueModel.predictedWaitMs(arrivalRate: self.arrivalRate, serviceMs: self.serviceMs,
                                                     serviceCV: self.serviceCV, servers: self.servers)
    }

    /// The same arrivals and service with `servers` servers instead: the
    /// "one worker more or fewer" figure.
    public func predictedWaitMs(servers other: Int) -> Double? {
        QueueModel.predictedWaitMs(arrivalRate: arrivalRate, serviceMs: serviceMs, serviceCV: serviceCV,
                                   servers: other)
    }

    /// What `workers` live workers would give (one more or fewer than now):
    /// the servers they make (capped by cores, as for the pool now) and the
    /// predicted wait with them, nil when that queue would be unstable.
    /// With no worker left there is no server at all.
    public func predictedWaitMs(workers: Int, cores: Int) -> (servers: Int, waitMs: Double?) {
        guard workers > 0 else { return (0, nil) }
        let count = QueueModel.servers(mode: .offloaded, liveWorkers: workers, cores: cores).count
        return (count, predictedWaitMs(servers: count))
    }

    /// The prediction at another arrival rate, for the wait-against-rate curve.
    public func predictedWaitMs(arrivalRate rate: Double) -> Double? {
        QueueModel.predictedWaitMs(arrivalRate: rate, serviceMs: serviceMs, serviceCV: serviceCV, servers: servers)
    }

    public static func utilization(arrivalRate: Double, serviceMs: Double, servers: Int) -> Double {
        guard servers > 0 else { return .infinity }
        return arrivalRate * serviceMs / 1000 / Double(servers)
    }

    /// Erlang C: the probability that a job arriving at an M/M/c queue with
    /// offered load `a` = λS (in Erlangs) must wait. 1 when a ≥ c.
    public static func erlangC(servers c: Int, offeredLoad a: Double) -> Double {
        guard c > 0, a > 0 else { return 0 }
        let rho = a / Double(c)
        guard rho < 1 else { return 1 }
        // Sum a^k/k! for k < c with terms built incrementally (no factorials
        // that overflow for large c).
        var term = 1.0
        var sum = 1.0
        for k in 1..<max(c, 1) {
            term *= a / Double(k)
            sum += term
        }
        let last = term * a / Double(c) / (1 - rho)   // a^c / c! / (1 − ρ)
        return last / (sum + last)
    }

    /// Mean queue wait, ms, by the M/G/c approximation; nil when unstable or
    /// when there is nothing to go on (no service time measured).
    public static func predictedWaitMs(arrivalRate: Double, serviceMs: Double, serviceCV: Double,
                                       servers: Int) -> Double? {
        guard servers > 0, serviceMs > 0, arrivalRate >= 0 else { return nil }
        guard arrivalRate > 0 else { return 0 }
        let s = serviceMs / 1000
        let a = arrivalRate * s
        guard a / Double(servers) < 1 else { return nil }
        let c = erlangC(servers: servers, offeredLoad: a)
        let wait = c * (1 + serviceCV * serviceCV) / 2 / (Double(servers) / s - arrivalRate)
        return wait * 1000
    }
}

extension QueueModel {
    /// Servers for a mode: the loop is one server; offloaded jobs have one
    /// per live worker, but CPU-bound jobs on more workers than cores only
    /// take turns on the cores, so at most one per core.
    public static func servers(mode: Mode, liveWorkers: Int, cores: Int) -> (count: Int, reason: String) {
        switch mode {
        case .blocking, .chunked:
            return (1, "the event loop runs one job at a time")
        case .offloaded:
            if liveWorkers <= cores {
                return (max(1, liveWorkers), "\(liveWorkers) worker\(liveWorkers == 1 ? "" : "s")")
            }
            return (max(1, cores), "\(liveWorkers) workers share \(cores) core\(cores == 1 ? "" : "s"): CPU-bound jobs run \(cores) at a time")
        }
    }

    /// The model for a span: `offered` jobs in `seconds`, finished jobs' run
    /// times (mean and standard deviation, ms), their mean wait, and the
    /// pool. When workers outnumber the cores, a job's wall run time counts
    /// the time it waited for a core; with one server per core its service
    /// time is the CPU share of that (`cpuPerWall`, measured).
    static func measured(offered: UInt64, seconds: Double, runMeanMs: Double, runStdMs: Double,
                         finished: UInt64, waitMeanMs: Double, mode: Mode, liveWorkers: Int, cores: Int,
                         cpuPerWall: Double) -> QueueModel? {
        guard seconds > 0 else { return nil }
        let (count, reason) = servers(mode: mode, liveWorkers: liveWorkers, cores: cores)
        var service = runMeanMs
        if mode == .offloaded, liveWorkers > cores, cpuPerWall > 0 {
            service = runMeanMs * min(1, cpuPerWall)
        }
        let cv = runMeanMs > 0 ? runStdMs / runMeanMs : 0
        return QueueModel(arrivalRate: Double(offered) / seconds, serviceMs: finished > 0 ? service : 0,
                          serviceCV: cv, servers: count, serversReason: reason,
                          measuredWaitMs: finished > 0 ? waitMeanMs : nil)
    }
}
