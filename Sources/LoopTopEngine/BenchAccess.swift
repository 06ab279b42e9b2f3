/// What `looptop bench` (the LoopTopBench target) reaches inside the engine:
/// SPI, not the library's API. A library user sees none of it unless they
/// write `@_spi(LoopTopBench) import LoopTopEngine`, and it adds no path of its
/// own to the loop or the pool: it drives the ones every job takes.

@_spi(LoopTopBench)
extension Engine {
    /// Runs `task` on the event loop thread at its next iteration (as Node's
    /// `setImmediate` runs a callback on the main thread).
    public func onLoop(_ task: @escaping @Sendable (LoopAccess) -> Void) {
        loop.enqueue(task)
    }
}

/// The event loop, as seen from a task running on it: valid only inside that
/// task, or inside a continuation it set, on the loop thread.
@_spi(LoopTopBench)
public struct LoopAccess {
    let loop: EventLoop

    /// Hands `job` to the pool as an offloaded job; `then` runs on the loop
    /// thread when its completion comes back (at once if the queue is full).
    public func offload(_ job: Job, then: @escaping (JobRecord) -> Void) {
        loop.offload(job, then: then)
    }

    /// The engine's clock, ns.
    public func now() -> UInt64 { loop.clock.now() }
}

/// A pool of worker threads driven straight from the calling thread, with
/// the metrics every job pays (the ledger, per-worker figures, the event ring).
@_spi(LoopTopBench)
public final class BenchPool: Sendable {
    let pool: WorkerPool
    let events = EventRing<EngineEvent>(capacity: 1 << 14)

    public init(capacity: Int) {
        pool = WorkerPool(capacity: capacity, clock: SystemClock(), events: events, onCompletion: { _ in })
    }

    @discardableResult
    public func spawn(_ count: Int) -> [Int] { pool.spawn(count) }

    @discardableResult
    public func submit(_ job: Job) -> Bool { pool.submit(job) }

    @discardableResult
    public func submit(contentsOf jobs: [Job]) -> [Job] { pool.submit(contentsOf: jobs) }

    /// The job ledger now.
    public var counts: JobCounts { pool.state.withLock { $0.ledger } }

    /// True when worker `id` (or, when nil, every worker) waits for work.
    public func isIdle(_ id: Int? = nil) -> Bool {
        pool.state.withLock { s in
            s.workers.allSatisfy { ($0.id != id && id != nil) || $0.state == .idle }
        }
    }

    /// Spawn → ready of worker `id`, ns (nil before it is ready).
    public func startupNanos(_ id: Int) -> UInt64? {
        pool.state.withLock { s in
            s.workers.first { $0.id == id }.flatMap { w in w.readyAt.map { $0 &- w.spawnedAt } }
        }
    }

    /// Terminates worker `id` and joins its thread.
    @discardableResult
    public func terminateAndJoin(_ id: Int, timeoutNanos: UInt64) -> Bool {
        pool.terminate(id)
        let ended = pool.waitForExit(id, timeoutNanos: timeoutNanos)
        events.drain { _ in }
        return ended
    }

    public func shutdown() { pool.shutdown() }
}
