#if canImport(Glibc)
import Glibc
#endif
import CSystemShims
import Synchronization

/// The looptop engine: an event loop thread, a pool of worker threads, and
/// CPU workloads fed to them at a rate. Commands go in; snapshots come out.
///
/// ```swift
/// let engine = Engine(configuration: .init(workers: 2))
/// engine.start()
/// engine.send(.setMode(.blocking))
/// let snapshot = engine.snapshot()
/// print(snapshot.loop.lag.p99, snapshot.jobs.completed)
/// engine.stop()
/// ```
public final class Engine: SnapshotSource {
    public struct Configuration: Sendable {
        /// Workers started with the engine.
        public var workers: Int
        /// Bound of the pool's queue, and of the loop's.
        public var queueCapacity: Int
        public var settings: EngineSettings
        /// Replace a worker that fails.
        public var autoRespawn: Bool
        /// Workloads and their costs; nil measures the built-ins at start-up.
        public var catalog: WorkloadCatalog?
        public var clock: any EngineClock
        /// Span of the "recent" figures a frame shows, seconds.
        public var windowSeconds: Double
        /// Values kept in each history (sparklines), one per snapshot.
        public var historyLength: Int
        /// Publish one event per finished job (worker detail, wait/run figures).
        public var recordJobEvents: Bool
        /// How long an idle worker looks for new work before it sleeps, µs.
        public var workerSpinMicros: Double
        /// Ticks a second of the engine's own sampler, which makes the frame
        /// ``snapshot(detailFor:)`` reads; 0 runs none (the caller ticks).
        public var samplesPerSecond: Double = 10
        /// How often looptop's own threads are read from /proc/self/task
        /// (run-queue wait, context switches), seconds; 0: never.
        public var threadReadSeconds: Double
        /// Fill ``Snapshot/distributions`` (whole-run histograms) in every
        /// snapshot, for an exporter that keeps cumulative buckets (`--metrics`).
        public var keepsDistributions = false

        public init(workers: Int = 4, queueCapacity: Int = 256, settings: EngineSettings = EngineSettings(),
                    autoRespawn: Bool = true, catalog: WorkloadCatalog? = nil,
                    clock: any EngineClock = SystemClock(), windowSeconds: Double = 5,
                    historyLength: Int = 600, recordJobEvents: Bool = true, workerSpinMicros: Double = 20,
                    threadReadSeconds: Double = 1) {
            self.workers = workers
            self.queueCapacity = queueCapacity
            self.settings = settings
            self.autoRespawn = autoRespawn
            self.catalog = catalog
            self.clock = clock
            self.windowSeconds = windowSeconds
            self.historyLength = historyLength
            self.recordJobEvents = recordJobEvents
            self.workerSpinMicros = workerSpinMicros
            self.threadReadSeconds = threadReadSeconds
        }
    }

    public let configuration: Configuration
    /// The workloads jobs can use now, with their measured costs.
    public var catalog: WorkloadCatalog { settingsBox.catalog }
    let clock: any EngineClock
    let events = EventRing<EngineEvent>(capacity: 1 << 14)
    let samples = EventRing<LoopSample>(capacity: 1 << 15)
    let settingsBox: SettingsBox
    let jobIDs = JobIDs()
    let pool: WorkerPool
    let loop: EventLoop
    /// Reads the loop's and the workers' threads from /proc on its own thread.
    let watch: ThreadWatch
    private let monitor: ConditionMutex<Monitor>
    let phase = ConditionMutex<Phase>(.created)
    let startedAt: UInt64
    /// Unix time at `startedAt`, seconds: the event log's clock.
    let startWallSeconds: Double
    /// One tick at a time, so readings reach the monitor in time order.
    private let ticking = ConditionMutex(())
    /// The frame the last tick made: what a read returns.
    private let latest = ConditionMutex(Snapshot())
    /// Called with each tick's frame, in order (the recorder).
    let observer = ConditionMutex<(@Sendable (Snapshot, ScopeDelta) -> Void)?>(nil)
    /// The sampler thread and its stop flag.
    private let sampler = ConditionMutex<(thread: OSThread?, stop: Bool)>((nil, false))

    enum Phase { case created, running, stopped }

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        let catalog = configuration.catalog ?? WorkloadCatalog.calibrated()
        clock = configuration.clock
        var settings = configuration.settings
        if catalog.workload(named: settings.workload) == nil, let first = catalog.names.first {
            settings.workload = first
        }
        settingsBox = SettingsBox(settings, catalog: catalog)
        let samples = self.samples
        let events = self.events
        // The loop is made after the pool, and the pool posts completions to
        // it; this box breaks the cycle.
        let loopRef = LoopReference()
        let watch = ThreadWatch(periodSeconds: configuration.threadReadSeconds)
        self.watch = watch
        pool = WorkerPool(watch: watch, capacity: configuration.queueCapacity, clock: clock, events: events,
                          recordJobEvents: configuration.recordJobEvents,
                          spinMicros: configuration.workerSpinMicros,
                          onCompletion: { loopRef.loop?.post(contentsOf: $0) })
        pool.setAutoRespawn(configuration.autoRespawn)
        loop = EventLoop(watch: watch, clock: clock, pool: pool, samples: samples, events: events,
                         settings: settingsBox, jobIDs: jobIDs)
        loopRef.loop = loop
        startedAt = clock.now()
        startWallSeconds = Engine.wallSeconds()
        monitor = ConditionMutex(Monitor(start: startedAt, windowSeconds: configuration.windowSeconds,
                                historyLength: configuration.historyLength))
        // Until the first tick, a read sees an empty frame of this source.
        var first = Snapshot()
        first.source = info
        first.time = startedAt
        first.wallSeconds = startWallSeconds
        first.settings = settingsBox.value
        first.cores = Engine.cores
        latest.withLock { $0 = first }
    }

    deinit { stop() }

    /// Starts the loop and the configured workers. Calling it again does nothing.
    public func start() {
        let first = phase.withLock { p -> Bool in
            guard p == .created else { return false }
            p = .running
            return true
        }
        guard first else { return }
        watch.start()
        loop.start()
        pool.spawn(configuration.workers)
        startSampler()
    }

    /// Ticks `samplesPerSecond` times a second on a thread of its own, so
    /// the frame moves on whoever reads it (and nobody's read moves it).
    private func startSampler() {
        guard configuration.samplesPerSecond > 0 else { return }
        let step = UInt64(1e9 / min(1000, configuration.samplesPerSecond))
        let gate = sampler
        // Weak: the sampler must not keep the engine alive (its deinit stops it).
        let thread = OSThread.spawn(name: "looptop-sample") { [weak self] in
            var next = monotonicNow() &+ step
            while true {
                if gate.wait(deadline: next, { $0.stop ? true : nil }) ?? false { return }
                guard let engine = self else { return }
                engine.tick(scopes: false)
                next &+= step
                let now = monotonicNow()
                if next <= now { next = now &+ step }  // fell behind: do not burst
            }
        }
        sampler.withLock { $0.thread = thread }
    }

    /// Stops the sampler (the engine runs on, unobserved until a tick): a
    /// run's last frame, the headless summary's, is then the last recorded.
    public func stopSampling() { stopSampler() }

    private func stopSampler() {
        let thread = sampler.withLock { s -> OSThread? in
            s.stop = true
            defer { s.thread = nil }
            return s.thread
        }
        sampler.broadcast()
        thread?.join()
    }

    /// Stops arrivals, cancels queued and running jobs, and joins every
    /// thread. Safe to call more than once, and from any thread.
    public func stop() {
        let wasRunning = phase.withLock { p -> Bool in
            defer { p = .stopped }
            return p == .running
        }
        guard wasRunning else { return }
        stopSampler()
        loop.stop()
        pool.shutdown()
        watch.stop()
    }

    /// The settings in force now.
    public var settings: EngineSettings { settingsBox.value }

    /// Applies a command at once and returns a line saying what it did.
    @discardableResult
    public func send(_ command: Command) -> CommandOutcome {
        let message = apply(command)
        // Spawns and bursts tell their own story as they happen ("worker 3
        // online", "burst: 30 jobs fired"): one event each, not two or three.
        switch command {
        case .spawn, .burst: break
        default: events.push(EngineEvent(time: clock.now(), kind: .control, message: message))
        }
        return .done(message)
    }

    private func apply(_ command: Command) -> String {
        switch command {
        case .spawn(let count):
            let ids = pool.spawn(max(0, min(count, 1024)))
            return ids.isEmpty ? "spawn: no worker started" : "spawned worker \(ids.map(String.init).joined(separator: ", "))"
        case .terminate(let worker):
            guard let id = pool.terminate(worker) else { return "terminate: no live worker" }
            return "terminating worker \(id)"
        case .injectFault(let worker):
            guard let id = pool.injectFault(worker) else { return "fault: no live worker" }
            return "fault injected into worker \(id)"
        case .setMode(let mode):
            return change("mode") { $0.mode = mode }
        case .cycleMode:
            return change("mode") { $0.mode = $0.mode.next }
        case .setWorkload(let name):
            guard catalog.workload(named: name) != nil else {
                return "workload: unknown '\(name)' (have \(catalog.names.joined(separator: ", ")))"
            }
            return change("workload") { $0.workload = name; $0.mix = [] }
        case .cycleWorkload:
            let names = catalog.names
            return change("workload") { s in
                let i = names.firstIndex(of: s.workload) ?? -1
                s.workload = names[(i + 1) % max(1, names.count)]
                s.mix = []
            }
        case .setJobMs(let ms):
            return change("job size") { $0.jobMs = ms.clamped(to: EngineSettings.jobMsRange) }
        case .scaleJobSize(let factor):
            return change("job size") { $0.jobMs = ($0.jobMs * factor).clamped(to: EngineSettings.jobMsRange) }
        case .setRate(let rate):
            return change("rate") { $0.rate = rate.clamped(to: EngineSettings.rateRange) }
        case .scaleRate(let factor):
            return change("rate") { s in
                // From 0, the first step up starts at 1 job/s.
                let base = s.rate == 0 && factor > 1 ? 1 / factor : s.rate
                s.rate = (base * factor).clamped(to: EngineSettings.rateRange)
            }
        case .setArrival(let pattern):
            return change("arrivals") { $0.arrival = pattern }
        case .pause:
            return change("arrivals") { $0.paused = true }
        case .resume:
            return change("arrivals") { $0.paused = false }
        case .togglePause:
            return change("arrivals") { $0.paused.toggle() }
        case .burst(let count):
            let n = max(0, min(count, 100_000))
            loop.burst(n)
            return "burst of \(n) jobs"
        case .setQueueCapacity(let capacity):
            pool.setCapacity(capacity)
            return "queue capacity \(max(1, capacity))"
        case .setAutoRespawn(let on):
            pool.setAutoRespawn(on)
            return "auto-respawn \(on ? "on" : "off")"
        case .setRequestRate(let rate):
            return change("requests") { $0.requestRate = rate.clamped(to: EngineSettings.requestRateRange) }
        case .setInput(let kb, let passing):
            return change("data") { s in
                if let kb { s.inputKB = kb.clamped(to: EngineSettings.inputKBRange) }
                if let passing { s.passing = passing }
            }
        case .cyclePassing:
            return change("data") { $0.passing = $0.passing.next }
        case .resetStatistics:
            let now = clock.now()
            let busy = loop.busyNanos(at: now)
            let submitted = pool.state.withLock { $0.ledger.submitted }
            monitor.withLock { $0.resetStatistics(now: now, busy: busy, submitted: submitted) }
            return "statistics reset"
        }
    }

    private func change(_ what: String, _ body: (inout EngineSettings) -> Void) -> String {
        let (_, new) = settingsBox.update(body)
        loop.wake()
        switch what {
        case "mode": return "mode \(new.mode.rawValue)"
        case "workload": return "workload \(new.workload)"
        case "job size": return "job size \(String(format1: new.jobMs, digits: new.jobMs < 1 ? 2 : 1)) ms"
        case "rate": return "rate \(String(format1: new.rate, digits: new.rate < 10 ? 1 : 0)) jobs/s"
        case "arrivals": return "arrivals \(new.paused ? "paused" : "running") (\(new.arrival.rawValue))"
        case "requests": return "requests \(Int(new.requestRate))/s"
        case "data": return "input \(String(format1: new.inputKB, digits: 0)) KiB by \(new.passing.rawValue)"
        default: return what
        }
    }

    /// Moves the figures on: gathers the raw readings (the pool's ledger,
    /// the loop's atomics, the rings, each worker's CPU time) and runs the
    /// monitor's step, which turns them into a ``Snapshot``. The result is
    /// what ``snapshot(detailFor:)`` reads until the next tick. The engine's
    /// sampler ticks by itself while it runs; tests and headless runs tick
    /// explicitly for a frame of their own moment.
    /// - Parameters:
    ///   - detailFor: a worker whose recent jobs and run-time histogram to
    ///     include in the returned snapshot.
    ///   - scopes: close the interval (`interval` then covers the time since
    ///     the previous closing tick). Headless lines and lessons close it;
    ///     the sampler does not.
    @discardableResult
    public func tick(detailFor: Int? = nil, scopes: Bool = true) -> Snapshot {
        var snap = ticking.withLock { _ -> Snapshot in
            let readings = gather()
            let (snap, delta) = monitor.withLock { m -> (Snapshot, ScopeDelta) in
                var r = readings
                samples.drain { r.samples.append($0) }
                events.drain { r.events.append($0) }
                r.eventsDropped = events.dropped
                r.samplesDropped = samples.dropped
                var snap = m.step(r, closingInterval: scopes)
                if configuration.keepsDistributions { snap.distributions = m.distributions }
                return (snap, m.lastDelta)
            }
            latest.withLock { $0 = snap }
            // Still in tick order: the recorder needs every delta, in turn.
            observer.withLock { $0 }?(snap, delta)
            return snap
        }
        if let detailFor { fillDetail(&snap, worker: detailFor) }
        return snap
    }

    /// A worker's CPU clock as last read, and its job count then.
    private struct CPURead {
        var jobs: UInt64
        var cpu: UInt64
        var at: UInt64
    }
    private let cpuReads = ConditionMutex<[Int: CPURead]>([:])
    /// The threads' /proc figures as last copied, and their version: copied
    /// again only when the reader thread has published new ones. (Held by
    /// the ticking thread only, and replaced whole, never changed in place.)
    private let schedCache = ConditionMutex<(version: UInt64, figures: [Int32: EngineReadings.SchedFigures])?>(nil)

    /// Everything one step needs, read without holding the pool's lock
    /// across a syscall: records are copied under it, CPU clocks read after.
    private func gather() -> EngineReadings {
        let now = clock.now()
        var r = EngineReadings(now: now)
        r.busy = loop.busyNanos(at: now)
        var toRead: [(index: Int, thread: OSThread)] = []
        var workers = pool.state.withLock { s -> [EngineReadings.Worker] in
            WorkerPool.pruneEnded(&s, keep: 16, olderThan: 30_000_000_000, now: now)
            r.depth = s.queue.count
            r.oldestQueued = s.queue.first?.submittedAt
            // What waits, by size; a look at the first 10,000 is enough to tell.
            for job in s.queue.prefix(10_000) {
                if let i = r.queuedSizes.lastIndex(where: { $0.workload == job.workload.name && $0.askedMs == job.targetMs }) {
                    r.queuedSizes[i].count += 1
                } else {
                    r.queuedSizes.append(QueuedSize(workload: job.workload.name, askedMs: job.targetMs, count: 1))
                }
            }
            r.loopDepth = Int(s.loop.queued)
            r.capacity = s.capacity
            r.autoRespawn = s.autoRespawn
            // Plain values in an array of their own, with each worker's
            // ledger figures read in: nothing handed out shares the pool's
            // storage (a later in-place append would race this read once
            // released: Swift's uniqueness check is not a synchronisation
            // ThreadSanitizer sees, and CI fails on its report), and no
            // reference is retained per worker per frame.
            // The whole account (``PoolState/ledger``) is summed on the way,
            // from the same reads of each worker's ledger.
            var readings: [EngineReadings.Worker] = []
            readings.reserveCapacity(s.workers.count)
            var counts = s.counts + s.loop
            for i in s.workers.indices {
                let l = s.workers[i].ledger.withLock { l in (l.current, l.jobsDone, l.jobsFailed, l.busyNanos, l.counts) }
                counts = counts + l.4
                readings.append(EngineReadings.Worker(
                    id: s.workers[i].id, name: s.workers[i].name, tid: s.workers[i].tid,
                    state: s.workers[i].state, stopRequested: s.workers[i].stopRequested,
                    current: l.0, progress: l.0 == nil ? nil : s.workers[i].flags.progress,
                    jobsDone: l.1, jobsFailed: l.2, busyNanos: l.3,
                    spawnedAt: s.workers[i].spawnedAt, readyAt: s.workers[i].readyAt,
                    endedAt: s.workers[i].endedAt, endReason: s.workers[i].endReason,
                    cpu: s.workers[i].cpuNanosAtExit))
            }
            r.counts = counts
            // A thread's CPU clock costs a syscall: an idle worker that has
            // run no job since its last read is read once a window (5 s; it
            // only waits on its condition variable meanwhile). The
            // threads to read are picked here and read after the lock.
            cpuReads.withLock { cache in
                if cache.count > 2 * readings.count + 64 {  // workers pruned unseen
                    let ids = Set(readings.map(\.id))
                    cache = cache.filter { ids.contains($0.key) }
                }
                for i in readings.indices {
                    guard readings[i].state.isLive else {
                        cache[readings[i].id] = nil
                        continue  // `cpu` holds its CPU time at exit
                    }
                    let jobs = readings[i].jobsDone &+ readings[i].jobsFailed
                    if readings[i].current == nil, let last = cache[readings[i].id], last.jobs == jobs,
                       now &- last.at < 5_000_000_000 {
                        readings[i].cpu = last.cpu
                    } else if let thread = s.workers[i].thread {
                        toRead.append((i, thread))
                    }
                }
            }
            return readings
        }
        pool.withThreadsUnjoined {
            cpuReads.withLock { cache in
                for (i, thread) in toRead {
                    let cpu = thread.cpuNanos()
                    let jobs = workers[i].jobsDone &+ workers[i].jobsFailed
                    cache[workers[i].id] = CPURead(jobs: jobs, cpu: cpu, at: now)
                    workers[i].cpu = cpu
                }
            }
        }
        r.workers = workers
        pool.reap()
        (r.schedVersion, r.sched) = schedCache.withLock { cache in
            if let fresh = watch.figures(newerThan: cache?.version) {
                cache = (fresh.version, fresh.figures.mapValues(EngineReadings.SchedFigures.init))
            }
            return (cache?.version ?? 0, cache?.figures ?? [:])
        }
        r.loopTid = loop.tid.load(ordering: .relaxed)
        r.probeDue = loop.probeDueAt.load(ordering: .acquiring)
        r.loopJob = loop.currentJob.withLock { $0 }
        r.loopJobProgress = r.loopJob == nil ? nil : loop.flags.progress
        r.requestsCompleted = loop.requestsCompleted.load(ordering: .relaxed)
        r.requestsWaiting = loop.requestsWaiting.load(ordering: .relaxed)
        // Requests that arrived since the loop last looked (it may be blocked).
        let nextDue = loop.nextRequestDueAt.load(ordering: .relaxed)
        let gap = loop.requestGapNanos.load(ordering: .relaxed)
        if nextDue > 0, gap > 0, now >= nextDue {
            r.requestsWaiting += 1 + Int((now - nextDue) / gap)
        }
        r.requestsShed = loop.requestsShed.load(ordering: .relaxed)
        r.settings = settingsBox.value
        r.workloads = catalog.names
        r.commands = catalog.commandLines
        r.windowSeconds = configuration.windowSeconds
        r.cores = Engine.cores
        r.source = info
        r.wallSeconds = startWallSeconds + Double(now &- startedAt) / 1e9
        return r
    }

    /// Adds a worker's recent jobs and run-time histogram (a read of the monitor).
    func fillDetail(_ snap: inout Snapshot, worker id: Int) {
        guard let i = snap.workers.firstIndex(where: { $0.id == id }),
              let detail = monitor.withLock({ $0.detail(for: id) }) else { return }
        snap.workers[i].recentJobs = detail.recentJobs
        snap.workers[i].runHistogram = detail.bars
    }

    /// The newest frame the sampler (or a tick) made. A read: it changes nothing.
    public func snapshot(detailFor worker: Int?) -> Snapshot {
        var snap = latest.withLock { $0 }
        if let worker { fillDetail(&snap, worker: worker) }
        return snap
    }

    /// Calls `body` with every tick's frame and what it added to the
    /// figures, in order, on the ticking thread (nil: stop). The recorder.
    public func observeTicks(_ body: (@Sendable (Snapshot, ScopeDelta) -> Void)?) {
        ticking.withLock { _ in observer.withLock { $0 = body } }
    }

    /// Reads the loop's and workers' threads from /proc now, on the calling
    /// thread (the reader thread does it once a period anyway).
    public func readThreadsNow() { watch.sweep() }

    /// Terminates worker `id` and waits until its thread has been joined.
    /// Returns false if it did not end within `timeoutMs`.
    @discardableResult
    public func terminateAndWait(worker id: Int, timeoutMs: Double = 5_000) -> Bool {
        guard pool.terminate(id) != nil else { return false }
        events.push(EngineEvent(time: clock.now(), kind: .control, message: "terminating worker \(id)"))
        return pool.waitForExit(id, timeoutNanos: Nanos.fromMs(timeoutMs))
    }

    /// Unix time now, seconds.
    static func wallSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// CPU cores this process may run on.
    public static let cores: Int = {
        let count = Int(looptop_cpu_count())
        if count > 0 { return count }
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }()
}

private final class LoopReference: @unchecked Sendable {
    // Set once in Engine.init before any thread starts; read by workers after.
    var loop: EventLoop?
}

extension Comparable {
    func clamped(to range: ClosedRange<Self>) -> Self { min(max(self, range.lowerBound), range.upperBound) }
}

extension Double {
    func clamped(to range: ClosedRange<Double>) -> Double {
        guard !isNaN else { return range.lowerBound }
        return Swift.min(Swift.max(self, range.lowerBound), range.upperBound)
    }
}
