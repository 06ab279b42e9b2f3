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
public final class Engine: Sendable {
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
        /// Fill ``Snapshot/distributions`` (whole-run histograms) in every
        /// snapshot, for an exporter that keeps cumulative buckets (`--metrics`).
        public var keepsDistributions = false

        public init(workers: Int = 4, queueCapacity: Int = 256, settings: EngineSettings = EngineSettings(),
                    autoRespawn: Bool = true, catalog: WorkloadCatalog? = nil,
                    clock: any EngineClock = SystemClock(), windowSeconds: Double = 5,
                    historyLength: Int = 600, recordJobEvents: Bool = true, workerSpinMicros: Double = 20) {
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
    private let monitor: ConditionMutex<Monitor>
    private let phase = ConditionMutex<Phase>(.created)
    let startedAt: UInt64

    private enum Phase { case created, running, stopped }

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
        pool = WorkerPool(capacity: configuration.queueCapacity, clock: clock, events: events,
                          recordJobEvents: configuration.recordJobEvents,
                          spinMicros: configuration.workerSpinMicros,
                          onCompletion: { loopRef.loop?.post($0) })
        pool.setAutoRespawn(configuration.autoRespawn)
        loop = EventLoop(clock: clock, pool: pool, samples: samples, events: events,
                         settings: settingsBox, jobIDs: jobIDs)
        loopRef.loop = loop
        startedAt = clock.now()
        monitor = ConditionMutex(Monitor(start: startedAt, windowSeconds: configuration.windowSeconds,
                                historyLength: configuration.historyLength))
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
        loop.start()
        pool.spawn(configuration.workers)
    }

    /// Stops arrivals, cancels queued and running jobs, and joins every
    /// thread. Safe to call more than once, and from any thread.
    public func stop() {
        let wasRunning = phase.withLock { p -> Bool in
            defer { p = .stopped }
            return p == .running
        }
        guard wasRunning else { return }
        loop.stop()
        pool.shutdown()
    }

    /// The settings in force now.
    public var settings: EngineSettings { settingsBox.value }

    /// Applies a command at once and returns a line saying what it did.
    @discardableResult
    public func send(_ command: Command) -> String {
        let message = apply(command)
        events.push(EngineEvent(time: clock.now(), kind: .control, message: message))
        return message
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
            monitor.withLock { $0.resetStatistics(now: now, busy: busy) }
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

    /// Takes a snapshot of everything, closing the current interval.
    /// - Parameters:
    ///   - detailFor: a worker whose recent jobs and run-time histogram to
    ///     include (they cost more, so only on request).
    ///   - scopes: fill `interval` and `total` (percentiles read from the
    ///     histograms). A dashboard frame shows the recent window only and
    ///     passes false; headless lines and lessons need them.
    public func snapshot(detailFor: Int? = nil, scopes: Bool = true) -> Snapshot {
        let now = clock.now()
        let busy = loop.busyNanos(at: now)
        let pooled = pool.state.withLock { s in
            WorkerPool.pruneEnded(&s, keep: 16, olderThan: 30_000_000_000, now: now)
            return (counts: s.counts, depth: s.queue.count, loopDepth: Int(s.loopQueued), capacity: s.capacity,
             autoRespawn: s.autoRespawn,
             workers: s.workers.map { record in
                 (record: record, cpu: record.state.isLive ? (record.thread?.cpuNanos() ?? 0) : record.cpuNanosAtExit)
             })
        }
        pool.reap()
        let probeDue = loop.probeDueAt.load(ordering: .acquiring)
        let loopJob = loop.currentJob.withLock { $0 }
        let requestsCompleted = loop.requestsCompleted.load(ordering: .relaxed)
        var requestsWaiting = loop.requestsWaiting.load(ordering: .relaxed)
        // Requests that arrived since the loop last looked (it may be blocked).
        let nextDue = loop.nextRequestDueAt.load(ordering: .relaxed)
        let gap = loop.requestGapNanos.load(ordering: .relaxed)
        if nextDue > 0, gap > 0, now >= nextDue {
            requestsWaiting += 1 + Int((now - nextDue) / gap)
        }
        let settings = settingsBox.value

        return monitor.withLock { m in
            samples.drain { m.absorb($0) }
            events.drain { m.absorb($0) }

            var snap = Snapshot()
            snap.time = now
            snap.uptimeSeconds = Double(now &- startedAt) / 1e9
            snap.settings = settings
            snap.workloads = catalog.names
            snap.cores = Engine.cores
            snap.autoRespawn = pooled.autoRespawn
            snap.jobs = pooled.counts

            // Loop.
            m.lagWindow.expire(now: now)
            m.requestWindow.expire(now: now)
            m.handbackWindow.expire(now: now)
            m.waitWindow.expire(now: now)
            m.runWindow.expire(now: now)
            let stall = probeDue != 0 && now > probeDue ? now - probeDue : 0
            var loopSnap = LoopSnapshot()
            loopSnap.lag = m.lagWindow.summary()
            loopSnap.stallMs = Nanos.ms(stall)
            loopSnap.lagRecentMaxMs = Nanos.ms(max(stall, m.lagWindow.max(since: now &- m.recentMaxSpan)))
            loopSnap.requestLatency = m.requestWindow.summary()
            loopSnap.requestsCompleted = requestsCompleted
            loopSnap.requestsWaiting = requestsWaiting
            loopSnap.requestsShed = loop.requestsShed.load(ordering: .relaxed)
            loopSnap.currentJob = loopJob
            loopSnap.currentJobProgress = loopJob == nil ? nil : loop.flags.progress
            loopSnap.handback = m.handbackWindow.summary()
            m.busySamples.append((now, busy, requestsCompleted))
            while let first = m.busySamples.first, m.busySamples.count > 2, now &- first.at > m.window {
                m.busySamples.removeFirst()
            }
            if let first = m.busySamples.first, now > first.at {
                let span = Double(now - first.at)
                loopSnap.utilization = min(1, Double(busy &- first.busy) / span)
                loopSnap.requestsPerSecond = Double(requestsCompleted &- first.requests) / span * 1e9
            } else if now > startedAt {
                loopSnap.utilization = min(1, Double(busy) / Double(now - startedAt))
            }
            let frameLag = max(m.lagSinceLastSnapshot, stall)
            m.lagSinceLastSnapshot = 0
            Monitor.push(Nanos.ms(frameLag), into: &m.lagHistory, limit: m.historyLength)
            let frameUtil = now > m.lastSnapshotAt ? min(1, Double(busy &- m.lastBusy) / Double(now - m.lastSnapshotAt)) : 0
            Monitor.push(frameUtil, into: &m.utilizationHistory, limit: m.historyLength)
            loopSnap.lagHistory = m.lagHistory.asArray
            loopSnap.utilizationHistory = m.utilizationHistory.asArray
            snap.loop = loopSnap

            // Queue.
            var queue = QueueSnapshot()
            queue.depth = pooled.depth
            queue.loopDepth = pooled.loopDepth
            queue.capacity = pooled.capacity
            queue.wait = m.waitWindow.summary()
            queue.run = m.runWindow.summary()
            queue.data = m.dataFigures(now: now)
            if let oldest = m.runWindow.first, now > oldest.at {
                queue.completedPerSecond = Double(m.runWindow.count) / Double(now - oldest.at) * 1e9
            }
            Monitor.push(Double(pooled.depth + pooled.loopDepth), into: &m.depthHistory, limit: m.historyLength)
            queue.depthHistory = m.depthHistory.asArray
            snap.queue = queue

            // Workers.
            var live = 0
            var workers: [WorkerSnapshot] = []
            for (record, cpu) in pooled.workers {
                if record.state.isLive && !record.stopRequested { live += 1 }
                var track = m.tracks[record.id] ?? WorkerTrack(runWindow: TimedWindow(span: m.window, limit: 5_000))
                let running = record.current.map { now > $0.startedAt ? now - $0.startedAt : 0 } ?? 0
                let busyTotal = record.busyNanos &+ running
                var busyShare = 0.0
                var cpuPerWall = 0.0
                if record.state.isLive {
                    track.samples.append((now, busyTotal, cpu))
                    while track.samples.count > 2, let first = track.samples.first, now &- first.at > m.window {
                        track.samples.removeFirst()
                    }
                }
                if let first = track.samples.first, let last = track.samples.last, last.at > first.at {
                    let wall = Double(last.at - first.at)
                    let busyDelta = Double(last.busy &- first.busy)
                    busyShare = min(1, busyDelta / wall)
                    cpuPerWall = busyDelta > 0 ? min(1.5, Double(last.cpu &- first.cpu) / busyDelta) : 0
                }
                if record.state.isLive {
                    if track.samples.count >= 2 {
                        let prev = track.samples[track.samples.count - 2]
                        let wall = Double(now &- prev.at)
                        Monitor.push(wall > 0 ? min(1, Double(busyTotal &- prev.busy) / wall) : 0,
                                     into: &track.activity, limit: m.historyLength)
                    }
                }
                track.runWindow.expire(now: now)
                m.tracks[record.id] = track
                let detail = record.id == detailFor
                var bars: [HistogramBar] = []
                if detail, track.run.totalCount > 0 {
                    var upper: UInt64 = 1
                    for value in track.run.logarithmicBucketValues(valueUnitsInFirstBucket: 100, logBase: 2) {
                        upper = value.value
                        // `count` is of the bucket's exact value; the bar holds all added since the last.
                        bars.append(HistogramBar(upToMs: Double(upper) / 1000, count: UInt64(value.countAddedInThisIterationStep)))
                    }
                }
                workers.append(WorkerSnapshot(
                    id: record.id, name: record.name, tid: record.tid, state: record.state,
                    currentJob: record.current, elapsedMs: Nanos.ms(running),
                    jobsDone: record.jobsDone, jobsFailed: record.jobsFailed,
                    busy: busyShare, cpuPerWall: cpuPerWall, cpuMs: Nanos.ms(cpu),
                    startupMs: record.readyAt.map { Nanos.ms($0 &- record.spawnedAt) },
                    endReason: record.endReason, activity: track.activity.asArray,
                    recentJobs: detail ? track.recentJobs.asArray : [],
                    runHistogram: bars, run: track.runWindow.summary()))
                if record.current != nil { workers[workers.count - 1].progress = record.flags.progress }
            }
            let known = Set(pooled.workers.map(\.record.id))
            for id in m.tracks.keys where !known.contains(id) { m.tracks[id] = nil }
            snap.workers = workers
            snap.liveWorkers = live

            // Rejections are counted, and logged at most once a second.
            if pooled.counts.rejected > m.lastRejected, now &- m.rejectedReportedAt >= 1_000_000_000 {
                let fresh = pooled.counts.rejected - m.lastRejected
                m.appendLog(EngineEvent(time: now, kind: .notice,
                                        message: "\(fresh) job\(fresh == 1 ? "" : "s") rejected: queue full (capacity \(pooled.capacity))"))
                m.lastRejected = pooled.counts.rejected
                m.rejectedReportedAt = now
            }

            if scopes {
                snap.interval = m.interval.figures(now: now, busy: busy)
                snap.total = m.total.figures(now: now, busy: busy)
                m.interval = ScopeFigures(start: now, busy: busy)
            }
            m.lastSnapshotAt = now
            m.lastBusy = busy
            if configuration.keepsDistributions {
                // Values, not copies: the histograms are copy-on-write, so this costs
                // one copy of each (a few KiB) when the monitor next records into it.
                snap.distributions = Distributions(lag: m.total.lag.histogram, requestLatency: m.total.requests.histogram,
                                                   wait: m.total.wait.histogram, run: m.total.run.histogram)
            }
            snap.log = m.log.asArray
            snap.eventsDropped = events.dropped
            snap.samplesDropped = samples.dropped
            snap.warnings = WarningRules.standard.compactMap { $0.check(snap) }
            return snap
        }
    }

    /// Terminates worker `id` and waits until its thread has been joined.
    /// Returns false if it did not end within `timeoutMs`.
    @discardableResult
    public func terminateAndWait(worker id: Int, timeoutMs: Double = 5_000) -> Bool {
        guard pool.terminate(id) != nil else { return false }
        events.push(EngineEvent(time: clock.now(), kind: .control, message: "terminating worker \(id)"))
        return pool.waitForExit(id, timeoutNanos: Nanos.fromMs(timeoutMs))
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
