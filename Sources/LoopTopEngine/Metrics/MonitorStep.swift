import Histogram

/// What the engine read from its threads for one step: copies of the pool's
/// ledger and workers, the loop's atomics, and the samples and events the
/// rings held. Gathered without holding any lock across a syscall; turned
/// into a ``Snapshot`` by ``Monitor/step(_:closingInterval:)``.
struct EngineReadings {
    /// A thread's /proc rates, as a step reads them: plain values (the whole
    /// ``ThreadFigures`` held its last raw reading and name, copied per
    /// worker per frame).
    struct SchedFigures: Equatable {
        var recent: TaskRates?
        var total: TaskRates?
        init(_ figures: ThreadFigures) {
            recent = figures.recent
            total = figures.total
        }
    }

    /// One worker as the step needs it: plain values, no references to the
    /// pool's objects (copying a record retained five of them, per worker
    /// per frame, and showed as a fifth of a 1,000-worker frame in perf).
    struct Worker {
        var id: Int
        var name: String
        var tid: Int32
        var state: WorkerState
        var stopRequested: Bool
        var current: RunningJob?
        /// The running job's progress, 0…1, when it reports one.
        var progress: Double?
        var jobsDone: UInt64
        var jobsFailed: UInt64
        var busyNanos: UInt64
        var spawnedAt: UInt64
        var readyAt: UInt64?
        var endedAt: UInt64?
        var endReason: String?
        /// Thread CPU time, ns (read after the pool's lock was released).
        var cpu: UInt64

        /// What a settled worker's readings must stay (see ``WorkerTrack/Settled``).
        struct Key: Equatable {
            var state: WorkerState
            var stopRequested: Bool
            var tid: Int32
            var jobsDone: UInt64
            var jobsFailed: UInt64
            var busyNanos: UInt64
            var cpu: UInt64
            var readyAt: UInt64?
            var endedAt: UInt64?
            var idle: Bool
        }
        var key: Key {
            Key(state: state, stopRequested: stopRequested, tid: tid, jobsDone: jobsDone, jobsFailed: jobsFailed,
                busyNanos: busyNanos, cpu: cpu, readyAt: readyAt, endedAt: endedAt, idle: current == nil)
        }
    }
    /// Moves on each time `sched` holds new figures.
    var schedVersion: UInt64 = 0

    var now: UInt64
    /// Loop busy time since start, ns.
    var busy: UInt64 = 0
    var counts = JobCounts()
    var depth = 0
    /// When the oldest queued job arrived; what waits, by size.
    var oldestQueued: UInt64?
    var queuedSizes: [QueuedSize] = []
    var loopDepth = 0
    var capacity = 0
    var autoRespawn = true
    var workers: [Worker] = []
    /// When the lag probe was due (0: not armed).
    var probeDue: UInt64 = 0
    var loopJob: RunningJob?
    var loopJobProgress: Double?
    var requestsCompleted: UInt64 = 0
    var requestsWaiting = 0
    var requestsShed: UInt64 = 0
    var settings = EngineSettings()
    var workloads: [String] = []
    /// Workloads that run an external command: their command lines.
    var commands: [String: String] = [:]
    var windowSeconds = 5.0
    var cores = 1
    /// looptop's own threads as /proc read them, by tid; the loop's tid.
    var sched: [Int32: SchedFigures] = [:]
    var loopTid: Int32 = 0
    var source = SourceInfo(kind: .engine, title: "engine")
    /// Unix time of `now`, seconds.
    var wallSeconds = 0.0
    var samples: [LoopSample] = []
    var events: [EngineEvent] = []
    var eventsDropped: UInt64 = 0
    var samplesDropped: UInt64 = 0
}

extension Monitor {
    /// The one step from readings and a time to a frame: absorbs the
    /// samples and events, moves the windows and histories on, closes the
    /// interval if asked, and returns the ``Snapshot``. No clock, no
    /// syscall, no lock: the same readings give the same snapshot.
    mutating func step(_ r: EngineReadings, closingInterval: Bool) -> Snapshot {
        let now = r.now
        let busy = r.busy
        for sample in r.samples { absorb(sample) }
        for event in r.events { absorb(event) }

        var snap = Snapshot()
        snap.source = r.source
        snap.time = now
        snap.wallSeconds = r.wallSeconds
        snap.uptimeSeconds = Double(now &- startedAt) / 1e9
        snap.settings = r.settings
        snap.workloads = r.workloads
        snap.commands = r.commands
        snap.windowSeconds = r.windowSeconds
        snap.cores = r.cores
        snap.autoRespawn = r.autoRespawn
        snap.jobs = r.counts

        // Loop.
        lagWindow.expire(now: now)
        requestWindow.expire(now: now)
        handbackWindow.expire(now: now)
        waitWindow.expire(now: now)
        runWindow.expire(now: now)
        let stall = r.probeDue != 0 && now > r.probeDue ? now - r.probeDue : 0
        var loopSnap = LoopSnapshot()
        loopSnap.lag = lagWindow.summary()
        loopSnap.stallMs = Nanos.ms(stall)
        loopSnap.lateShare = lateShare(now: now, stall: stall)
        loopSnap.lagRecentMaxMs = Nanos.ms(max(stall, lagWindow.max(since: now &- recentMaxSpan)))
        loopSnap.requestLatency = requestWindow.summary()
        loopSnap.requestsCompleted = r.requestsCompleted
        loopSnap.requestsWaiting = r.requestsWaiting
        loopSnap.requestsShed = r.requestsShed
        loopSnap.currentJob = r.loopJob
        loopSnap.currentJobProgress = r.loopJob == nil ? nil : r.loopJobProgress
        loopSnap.handback = handbackWindow.summary()
        loopSnap.tid = r.loopTid
        loopSnap.thread = r.sched[r.loopTid]?.recent
        loopSnap.threadTotal = r.sched[r.loopTid]?.total
        busySamples.append((now, busy, r.requestsCompleted))
        while let first = busySamples.first, busySamples.count > 2, now &- first.at > window {
            busySamples.removeFirst()
        }
        if let first = busySamples.first, now > first.at {
            let span = Double(now - first.at)
            loopSnap.utilization = min(1, Double(busy &- first.busy) / span)
            loopSnap.requestsPerSecond = Double(r.requestsCompleted &- first.requests) / span * 1e9
        } else if now > startedAt {
            loopSnap.utilization = min(1, Double(busy) / Double(now - startedAt))
        }
        let frameLag = max(lagSinceLastSnapshot, stall)
        lagSinceLastSnapshot = 0
        Monitor.push(Nanos.ms(frameLag), into: &lagHistory, limit: historyLength)
        let frameUtil = now > lastSnapshotAt ? min(1, Double(busy &- lastBusy) / Double(now - lastSnapshotAt)) : 0
        Monitor.push(frameUtil, into: &utilizationHistory, limit: historyLength)
        loopSnap.lagHistory = lagHistory.asArray
        loopSnap.utilizationHistory = utilizationHistory.asArray
        snap.loop = loopSnap

        // Queue.
        var queue = QueueSnapshot()
        queue.depth = r.depth
        queue.loopDepth = r.loopDepth
        queue.capacity = r.capacity
        queue.wait = waitWindow.summary()
        queue.run = runWindow.summary()
        pickupWindow.expire(now: now)
        queue.pickup = pickupWindow.summary()
        if let oldest = r.oldestQueued, now > oldest { queue.oldestWaitMs = Nanos.ms(now - oldest) }
        queue.queuedSizes = r.queuedSizes
        if r.settings.mix.isEmpty {
            queue.runAtAskedSize = runAt(workload: r.settings.workload, askedMs: r.settings.jobMs, now: now)
        }
        queue.data = dataFigures(now: now)
        if let oldest = runWindow.first, now > oldest.at {
            queue.completedPerSecond = Double(runWindow.count) / Double(now - oldest.at) * 1e9
        }
        Monitor.push(Double(r.depth + r.loopDepth), into: &depthHistory, limit: historyLength)
        queue.depthHistory = depthHistory.asArray
        snap.queue = queue

        // Workers.
        var live = 0
        var workers: [WorkerSnapshot] = []
        workers.reserveCapacity(r.workers.count)
        r.workers.withUnsafeBufferPointer { readings in
            for reading in readings {
                if reading.state.isLive && !reading.stopRequested { live += 1 }
                // Changed in place (see ``trackIndex(_:)``): a copy out of the
                // dictionary and back copies each worker's histories every frame.
                let i = trackIndex(reading.id)
                if settlesIdleWorkers, let row = Self.stepSettled(&tracks.values[i], reading: reading, r: r, now: now,
                                              historyLength: historyLength) {
                    workers.append(row)
                    continue
                }
                Self.unsettle(&tracks.values[i], now: now, previous: lastSnapshotAt, window: window)
                let row = Self.stepWorker(&tracks.values[i],
                                          reading: reading, sched: reading.tid != 0 ? r.sched[reading.tid] : nil,
                                          now: now, window: window, historyLength: historyLength)
                Self.settleIfQuiet(&tracks.values[i], row: row, reading: reading, schedVersion: r.schedVersion)
                workers.append(row)
            }
        }
        // Every worker read has a track now: more tracks than workers means
        // some were pruned (not worth a set of 1,000 ids every tick otherwise).
        if tracks.count > r.workers.count {
            let known = Set(r.workers.map(\.id))
            // Removed after the walk over the keys, not during it.
            for id in tracks.keys.filter({ !known.contains($0) }) { tracks[id] = nil }
        }
        snap.workers = workers
        snap.liveWorkers = live

        // The queueing model: busy workers' CPU/WALL corrects run times
        // for time spent waiting for a core when workers outnumber cores.
        let busyWorkers = workers.filter { $0.state.isLive && $0.busy > 0.05 }
        let cpuPerWall = busyWorkers.isEmpty ? 1 : busyWorkers.reduce(0) { $0 + $1.cpuPerWall } / Double(busyWorkers.count)
        snap.queue.model = QueueModel.recent(runWindow: runWindow, waitWindow: waitWindow,
                                             arrivals: arrivalSamples, now: now,
                                             submitted: r.counts.submitted, mode: r.settings.mode,
                                             liveWorkers: live, cores: snap.cores, cpuPerWall: cpuPerWall)
        Monitor.pushArrival(&arrivalSamples, at: now, submitted: r.counts.submitted, span: window)

        // Rejections are counted, and logged at most once a second.
        if r.counts.rejected > lastRejected, now &- rejectedReportedAt >= 1_000_000_000 {
            let fresh = r.counts.rejected - lastRejected
            appendLog(EngineEvent(time: now, kind: .notice,
                                  message: "\(fresh) job\(fresh == 1 ? "" : "s") rejected: queue full (capacity \(r.capacity))"))
            lastRejected = r.counts.rejected
            rejectedReportedAt = now
        }

        let late = closingInterval
            ? lateInProgressForInterval(now: now, probeDue: r.probeDue, stall: stall)
            : lateInProgressPeek(now: now, probeDue: r.probeDue, stall: stall)
        snap.interval = interval.figures(now: now, busy: busy, lateInProgress: late.interval)
        snap.total = total.figures(now: now, busy: busy, lateInProgress: late.total)
        snap.interval.model = interval.model(now: now, submitted: r.counts.submitted, mode: r.settings.mode,
                                             liveWorkers: live, cores: snap.cores, cpuPerWall: cpuPerWall)
        snap.total.model = total.model(now: now, submitted: r.counts.submitted, mode: r.settings.mode,
                                       liveWorkers: live, cores: snap.cores, cpuPerWall: cpuPerWall)
        if closingInterval { interval = ScopeFigures(start: now, busy: busy, submitted: r.counts.submitted) }
        lastDelta = ScopeDelta(tick, end: now, busy: busy, reset: resetSinceTick)
        tick = TickValues(start: now, busy: busy)
        resetSinceTick = false
        lastSnapshotAt = now
        lastBusy = busy
        snap.log = log.asArray
        snap.eventsDropped = r.eventsDropped
        snap.samplesDropped = r.samplesDropped
        snap.warnings = WarningRules.standard.compactMap { $0.check(snap) }
        return snap
    }

    /// A worker's recent jobs and run-time histogram, as the detail view
    /// shows them. A read.
    func detail(for id: Int) -> (recentJobs: [JobRecord], bars: [HistogramBar])? {
        guard let track = tracks[id] else { return nil }
        var bars: [HistogramBar] = []
        if let run = track.run, run.totalCount > 0 {
            for value in run.logarithmicBucketValues(valueUnitsInFirstBucket: 100, logBase: 2) {
                // `count` is of the bucket's exact value; the bar holds all added since the last.
                bars.append(HistogramBar(upToMs: Double(value.value) / 1000, count: UInt64(value.countAddedInThisIterationStep)))
            }
        }
        return (track.recentJobs.asArray, bars)
    }

    /// Ends a worker's settled steps: its track takes the row's sparkline,
    /// and the samples the steps since would have added (the same busy and
    /// CPU time, up to the step before this one), so the next full step
    /// reads its window as if it had taken every one.
    static func unsettle(_ track: inout WorkerTrack, now: UInt64, previous: UInt64, window: UInt64) {
        guard let settled = track.settled else { return }
        track.settled = nil
        if let row = track.settledRow { track.activity = row.activity }
        track.settledRow = nil
        // From the window's start (or the last sample) to the step before
        // this one, a step apart (the last gap between steps; at most 64
        // samples a window): the samples that drop out of the window one by
        // one in the steps to come, as full steps' would.
        guard previous > settled.last.at, previous < now else { return }
        let windowStart = now > window ? now - window : 0
        let gap = max(now - previous, window / 64, 1)
        var at = previous
        var times: [UInt64] = []
        while at > settled.last.at, at >= windowStart {
            times.append(at)
            if at < gap { break }
            at -= gap
        }
        for t in times.reversed() {
            track.samples.append(at: t, busy: settled.last.busy, cpu: settled.last.cpu, keepingWithin: window)
        }
    }

    /// A settled worker's row moved on to `now`, as ``stepWorker`` would
    /// make it; nil when the worker is not settled or its readings changed.
    static func stepSettled(_ track: inout WorkerTrack, reading: EngineReadings.Worker, r: EngineReadings,
                            now: UInt64, historyLength: Int) -> WorkerSnapshot? {
        guard let settled = track.settled, !settled.woken, settled.key == reading.key, track.settledRow != nil else {
            return nil
        }
        // Its samples would all hold the same busy time: busy 0, a 0 on the sparkline.
        track.settledRow!.activity.append(0, keepingLast: historyLength)
        if let ready = reading.readyAt, now > ready {
            track.settledRow!.busyTotal = min(1, Double(reading.busyNanos) / Double(now - ready))
        }
        if settled.schedVersion != r.schedVersion {
            let figures = reading.tid != 0 ? r.sched[reading.tid] : nil
            track.settledRow!.sched = figures?.recent
            track.settledRow!.schedTotal = figures?.total
            track.settled!.schedVersion = r.schedVersion
        }
        return track.settledRow
    }

    /// Settles a worker whose figures this step can only move with the clock.
    static func settleIfQuiet(_ track: inout WorkerTrack, row: WorkerSnapshot, reading: EngineReadings.Worker,
                              schedVersion: UInt64) {
        guard reading.current == nil, reading.state.isLive, !reading.stopRequested, row.busy == 0,
              let first = track.samples.first, let last = track.samples.last, first.busy == last.busy,
              track.samples.count >= 2, track.runWindow.count == 0 else { return }
        track.settled = WorkerTrack.Settled(key: reading.key, schedVersion: schedVersion, last: last)
        track.settledRow = row
    }

    /// One worker's figures for this step, moving its track on.
    static func stepWorker(_ track: inout WorkerTrack, reading record: EngineReadings.Worker, sched: EngineReadings.SchedFigures?,
                           now: UInt64, window: UInt64, historyLength: Int) -> WorkerSnapshot {
        // A thread that ended between the copy and the read reads 0: keep its last figure.
        let cpu = max(record.cpu, track.samples.last?.cpu ?? 0)
        let running = record.current.map { now > $0.startedAt ? now - $0.startedAt : 0 } ?? 0
        let busyTotal = record.busyNanos &+ running
        var busyShare = 0.0
        var cpuPerWall = 0.0
        if record.state.isLive {
            track.samples.append(at: now, busy: busyTotal, cpu: cpu, keepingWithin: window)
        }
        if let first = track.samples.first, let last = track.samples.last, last.at > first.at {
            let wall = Double(last.at - first.at)
            let busyDelta = Double(last.busy &- first.busy)
            busyShare = min(1, busyDelta / wall)
            cpuPerWall = busyDelta > 0 ? min(1.5, Double(last.cpu &- first.cpu) / busyDelta) : 0
        }
        if record.state.isLive, track.samples.count >= 2 {
            let prev = track.samples.beforeLast
            let wall = Double(now &- prev.at)
            track.activity.append(wall > 0 ? min(1, Double(busyTotal &- prev.busy) / wall) : 0,
                                  keepingLast: historyLength)
        }
        track.runWindow.expire(now: now)
        var worker = WorkerSnapshot(
            id: record.id, name: record.name, tid: record.tid, state: record.state,
            currentJob: record.current, elapsedMs: Nanos.ms(running),
            jobsDone: record.jobsDone, jobsFailed: record.jobsFailed,
            busy: busyShare, cpuPerWall: cpuPerWall, cpuMs: Nanos.ms(cpu),
            startupMs: record.readyAt.map { Nanos.ms($0 &- record.spawnedAt) },
            endReason: record.endReason, run: track.runWindow.summary())
        // Shared with the track, not copied (see ``SampleHistory``).
        worker.activity = track.activity
        if record.current != nil { worker.progress = record.progress }
        if let figures = sched {
            // An ended thread has no recent rates: it no longer runs.
            worker.sched = record.state.isLive ? figures.recent : nil
            worker.schedTotal = figures.total
        }
        if let ready = record.readyAt {
            let end = record.state.isLive ? now : (record.endedAt ?? now)
            if end > ready { worker.busyTotal = min(1, Double(busyTotal) / Double(end - ready)) }
        }
        if busyTotal > 0 { worker.cpuPerWallTotal = min(1.5, Double(cpu) / Double(busyTotal)) }
        return worker
    }
}
