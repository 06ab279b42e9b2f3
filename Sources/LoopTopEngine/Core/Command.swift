/// A control action, as a value: what a key, a lesson step or a script asks of
/// the engine. ``Engine/send(_:)`` applies it at once and says what it did.
public enum Command: Sendable, Equatable {
    /// Starts `count` new workers.
    case spawn(count: Int)
    /// Stops a worker (nil: the newest). A busy one's job is cancelled.
    case terminate(worker: Int?)
    /// Makes a worker fail (nil: the newest): its job fails, it exits with an
    /// error, and it is replaced when auto-respawn is on.
    case injectFault(worker: Int?)
    case setMode(Mode)
    /// blocking → chunked → offloaded → blocking.
    case cycleMode
    case setWorkload(String)
    /// The next workload in the catalog's order.
    case cycleWorkload
    case setJobMs(Double)
    /// Multiplies the job size (`]` doubles, `[` halves).
    case scaleJobSize(by: Double)
    case setRate(Double)
    /// Multiplies the arrival rate (`}` and `{`).
    case scaleRate(by: Double)
    case setArrival(ArrivalPattern)
    case pause
    case resume
    case togglePause
    /// Fires `count` jobs at once.
    case burst(Int)
    case setQueueCapacity(Int)
    case setAutoRespawn(Bool)
    case setRequestRate(Double)
    /// Sets the input each offloaded job carries: size in KiB and/or how it is passed.
    case setInput(kb: Double?, passing: DataPassing?)
    /// copy → transfer → shared → copy.
    case cyclePassing
    /// Clears latency figures and windows; job counts stay (conservation).
    case resetStatistics
}
