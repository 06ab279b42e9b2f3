#if canImport(Glibc)
import Glibc
#endif
import CSystemShims
import DequeModule
import Synchronization

/// One measurement from the event loop, published through its own ring.
struct LoopSample: Sendable {
    enum Kind: UInt8, Sendable {
        /// How late the probe timer fired, ns.
        case lag
        /// A request's arrival-to-completion time, ns.
        case request
        /// An offloaded job's trip back: worker finished → loop callback ran, ns.
        case handback
    }
    let kind: Kind
    let at: UInt64
    let value: UInt64
}

/// A thread that runs timers and a stream of small requests, like Node's main
/// thread serving HTTP, and places arriving jobs where the mode says.
///
/// Every iteration: take messages (offloaded completions), fire due timers
/// (the lag probe, job arrivals, request arrivals), serve waiting requests,
/// then do job work: a whole job (blocking) or one slice of about 1 ms
/// (chunked). With nothing to do it sleeps until the next timer is due.
///
/// Requests and jobs "arrive" at their scheduled instants whether or not the
/// loop is free, as they would from a network: when the loop was blocked, it
/// finds them waiting and their latency includes the wait.
final class EventLoop: @unchecked Sendable {
    struct Inbox {
        var completions: Deque<JobCompletion> = []
        var burst = 0
        /// Tasks posted to run on the loop thread (``enqueue(_:)``).
        var tasks: [@Sendable (LoopAccess) -> Void] = []
        var stop = false
        var sleeping = false
    }

    let inbox = ConditionMutex(Inbox())
    let clock: any EngineClock
    let pool: WorkerPool
    let samples: EventRing<LoopSample>
    let events: EventRing<EngineEvent>
    let settings: SettingsBox
    /// The loop's copy of the catalog, refreshed when it changes.
    private var catalog: WorkloadCatalog
    private var catalogVersion: UInt64 = 0
    let jobIDs: JobIDs

    // Published for snapshots, written only by the loop thread.
    /// Engine time the next probe is due; a snapshot reads a stall in progress from it.
    let probeDueAt = Atomic<UInt64>(0)
    /// Busy time, packed: top bit clear → total busy ns; set → busy since
    /// (now − rest), so one load gives a consistent reading.
    let busyClock = Atomic<UInt64>(0)
    let requestsCompleted = Atomic<UInt64>(0)
    let requestsWaiting = Atomic<Int>(0)
    /// When the next request arrives and how far apart they come, ns (0: none),
    /// so a snapshot can count the requests piling up while the loop is blocked.
    let nextRequestDueAt = Atomic<UInt64>(0)
    let requestGapNanos = Atomic<UInt64>(0)
    /// The job running on the loop now, for blame.
    let currentJob = ConditionMutex<RunningJob?>(nil)
    /// Cancels the loop's job when the engine shuts down; carries its progress.
    let flags = JobFlags()

    // Loop-thread state: touched only by the loop thread after `start`.
    private var backlog: Deque<Job> = []
    private var chunked: (job: Job, run: any WorkloadRun, startedAt: UInt64, done: Int)?
    private var pendingRequests: Deque<UInt64> = []
    private var probeDue: UInt64 = 0
    private var nextRequest: UInt64?
    private var nextArrival: UInt64?
    private var nextBurst: UInt64?
    private var current = EngineSettings()
    private var rng = SplitMix64(seed: 0x100F_70B)
    private var requestIterations = 1
    private var inputs = InputSource()
    /// Learns job sizes from the jobs this loop sees end (loop thread only).
    private var sizer = JobSizer()
    /// Offloaded arrivals of this iteration, handed to the pool together.
    private var outgoing: [Job] = []
    /// The inbox's completions are swapped into this one, so neither side
    /// allocates a new buffer per iteration.
    private var draining: Deque<JobCompletion> = []
    /// Offloaded jobs whose completion has not come back yet (may overcount
    /// jobs rejected by the pool, which never come back: it only decides
    /// whether the loop spins briefly before it sleeps).
    private var inFlight = 0
    /// Set by `post` when completions arrive; the loop polls it while it spins.
    private let mail = Atomic<Bool>(false)
    /// This iteration sent jobs to the pool or heard back from it.
    private var exchanged = false
    /// How long the loop looks for a completion before it sleeps, when jobs
    /// are in flight: a worker's reply then needs no futex wake. Adaptive:
    /// on a loaded machine the worker is rarely on a CPU at the same time, the
    /// spins fail, and the loop sleeps at once (a sleeper is woken sooner).
    private var spin = SpinBudget(limit: 20_000)
    /// What runs when an offloaded job's completion comes back, by job id
    /// (loop thread only; jobs offloaded through ``offload(_:then:)``).
    private var continuations: [UInt64: (JobRecord) -> Void] = [:]
    private var thread: OSThread?

    static let busyBit: UInt64 = 1 << 63
    /// Arrivals made up in one iteration at most, after a long stall.
    static let catchUpLimit = 10_000
    /// Requests kept waiting at most; more are shed (counted).
    static let requestBacklogLimit = 100_000
    let requestsShed = Atomic<UInt64>(0)

    /// Where the loop thread registers itself for /proc figures.
    let watch: ThreadWatch
    /// The loop thread's kernel id, once it runs (0 before).
    let tid = Atomic<Int32>(0)

    init(watch: ThreadWatch = ThreadWatch(periodSeconds: 0), clock: any EngineClock, pool: WorkerPool, samples: EventRing<LoopSample>, events: EventRing<EngineEvent>,
         settings: SettingsBox, jobIDs: JobIDs) {
        self.watch = watch
        self.clock = clock
        self.pool = pool
        self.samples = samples
        self.events = events
        self.settings = settings
        catalog = settings.catalog
        self.jobIDs = jobIDs
    }

    // MARK: From other threads

    func start() {
        thread = OSThread.spawn(name: "looptop-loop") { [self] in self.run() }
    }

    /// Stops the loop: its running job is cancelled, queued loop jobs too.
    func stop() {
        flags.requestCancel()
        inbox.withLock { $0.stop = true }
        inbox.signal()
        thread?.join()
        thread = nil
    }

    /// Delivers finished offloaded jobs (a worker's batch); wakes the loop
    /// only if it sleeps and this is the first news since it fell asleep.
    func post(contentsOf completions: [JobCompletion]) {
        let wake = inbox.withLock { box -> Bool in
            let wasEmpty = box.completions.isEmpty
            box.completions.append(contentsOf: completions)
            mail.store(true, ordering: .releasing)
            return box.sleeping && wasEmpty
        }
        if wake { inbox.signal() }
    }

    /// Runs `task` on the loop thread at its next iteration.
    func enqueue(_ task: @escaping @Sendable (LoopAccess) -> Void) {
        let wake = inbox.withLock { box -> Bool in
            box.tasks.append(task)
            return box.sleeping
        }
        if wake { inbox.signal() }
    }

    /// Loop thread only: offloads `job`; `then` runs here when it comes back.
    func offload(_ job: Job, then: @escaping (JobRecord) -> Void) {
        var job = job
        job.mode = .offloaded
        continuations[job.id] = then
        inFlight += 1
        exchanged = true
        guard pool.submit(job) else {
            inFlight -= 1
            continuations[job.id] = nil
            let now = clock.now()
            then(JobRecord(id: job.id, workload: job.workload.name, mode: .offloaded, outcome: .rejected,
                           workerID: nil, submittedAt: job.submittedAt, startedAt: now, finishedAt: now,
                           reason: "queue full"))
            return
        }
    }

    /// Fires `count` jobs at once at the next iteration.
    func burst(_ count: Int) {
        inbox.withLock { $0.burst += max(0, count) }
        inbox.signal()
    }

    /// Makes the loop re-read its settings now.
    func wake() { inbox.signal() }

    /// Busy ns so far, including a busy stretch in progress.
    func busyNanos(at now: UInt64) -> UInt64 {
        let packed = busyClock.load(ordering: .acquiring)
        if packed & Self.busyBit != 0 {
            let origin = packed & ~Self.busyBit
            return now >= origin ? now - origin : 0
        }
        return packed
    }

    // MARK: The loop thread

    private func run() {
        let me = currentTID()
        tid.store(me, ordering: .relaxed)
        watch.register(tid: me)
        defer { watch.finish(tid: me) }
        let start = clock.now()
        current = settings.value
        requestIterations = catalog.spinIterations(forMicros: current.requestMicros)
        probeDue = start + Nanos.fromMs(current.probeIntervalMs)
        probeDueAt.store(probeDue, ordering: .releasing)
        nextRequest = requestGap().map { start + $0 }
        nextArrival = arrivalGap().map { start + $0 }
        nextBurst = burstGap().map { start + $0 }
        var busyTotal: UInt64 = 0

        while true {
            let wokeAt = clock.now()
            // Busy from here until we sleep again.
            busyClock.store((wokeAt &- busyTotal) | Self.busyBit, ordering: .releasing)
            let (burst, stop, tasks) = inbox.withLock { box in
                swap(&box.completions, &draining)
                mail.store(false, ordering: .relaxed)
                defer {
                    box.burst = 0
                    if !box.tasks.isEmpty { box.tasks.removeAll() }
                }
                return (box.burst, box.stop, box.tasks)
            }
            if stop { break }
            inFlight = max(0, inFlight - draining.count)
            exchanged = !draining.isEmpty
            for task in tasks { task(LoopAccess(loop: self)) }
            for completion in draining {
                samples.push(LoopSample(kind: .handback, at: wokeAt, value: wokeAt &- completion.record.finishedAt))
                learn(from: completion.record, place: .worker)
                if let buffer = completion.returned { inputs.giveBack(buffer) }
                if !continuations.isEmpty, let then = continuations.removeValue(forKey: completion.record.id) {
                    then(completion.record)
                }
            }
            draining.removeAll(keepingCapacity: true)
            refreshSettings(now: wokeAt)
            fireTimers(now: clock.now())
            if burst > 0 { arrive(count: burst, at: clock.now(), reason: "burst") }
            flushOutgoing()
            serveRequests()
            doJobWork()

            let now = clock.now()
            busyTotal &+= now &- wokeAt
            let moreWork = chunked != nil || !backlog.isEmpty
            if moreWork {
                busyClock.store(busyTotal, ordering: .releasing)
                continue
            }
            busyClock.store(busyTotal, ordering: .releasing)
            sleep(now: now)
        }
        shutDownJobs()
    }

    private func sleep(now: UInt64) {
        var due = probeDue
        if let r = nextRequest { due = min(due, r) }
        if let a = nextArrival { due = min(due, a) }
        if let b = nextBurst { due = min(due, b) }
        let wait = due > now ? due - now : 0
        guard wait > 0 else { return }
        let deadline = monotonicNow() + wait
        if exchanged, inFlight > 0, case let budget = spin.next(), budget > 0, wait > budget {
            // A job just went out to a worker, or one just came back with
            // more out: a reply may be a few µs away. An idle loop never spins.
            let until = monotonicNow() + budget
            var polls = 0
            while !mail.load(ordering: .acquiring) {
                looptop_cpu_relax()
                polls += 1
                if polls & 15 == 0, monotonicNow() >= until { break }
            }
            spin.record(success: mail.load(ordering: .acquiring))
        }
        inbox.withLockWaiting { locked in
            let idle = locked { box -> Bool in
                guard box.completions.isEmpty, box.burst == 0, box.tasks.isEmpty, !box.stop else { return false }
                box.sleeping = true
                return true
            }
            guard idle else { return }
            locked.wait(until: deadline)
            locked { $0.sleeping = false }
        }
    }

    private var settingsSeen: UInt64 = .max

    private func refreshSettings(now: UInt64) {
        let changeCount = settings.changeCount
        guard changeCount != settingsSeen else { return }
        settingsSeen = changeCount
        let latest = settings.value
        let version = settings.catalogVersion
        if version != catalogVersion {
            catalogVersion = version
            catalog = settings.catalog
            // A reloaded spec may give a name new parameters: learn anew.
            sizer = JobSizer()
        }
        guard latest != current else { return }
        let old = current
        current = latest
        if latest.requestMicros != old.requestMicros {
            requestIterations = catalog.spinIterations(forMicros: latest.requestMicros)
        }
        if latest.requestRate != old.requestRate {
            nextRequest = requestGap().map { now + $0 }
        }
        if latest.rate != old.rate || latest.paused != old.paused || latest.arrival != old.arrival {
            nextArrival = arrivalGap().map { now + $0 }
        }
        if latest.burstSize != old.burstSize || latest.burstEverySeconds != old.burstEverySeconds
            || latest.paused != old.paused {
            nextBurst = burstGap().map { now + $0 }
        }
    }

    private func burstGap() -> UInt64? {
        guard !current.paused, current.burstSize > 0, current.burstEverySeconds > 0 else { return nil }
        return max(1_000_000, Nanos.fromSeconds(current.burstEverySeconds))
    }

    private func requestGap() -> UInt64? {
        current.requestRate > 0 ? max(1, UInt64(1e9 / current.requestRate)) : nil
    }

    private func arrivalGap() -> UInt64? {
        guard !current.paused, current.rate > 0 else { return nil }
        let mean = 1e9 / current.rate
        switch current.arrival {
        case .constant:
            return max(1, UInt64(mean))
        case .poisson:
            let u = max(Double.leastNormalMagnitude, rng.nextUnit())
            return max(1, UInt64(-log(u) * mean))
        }
    }

    private func fireTimers(now: UInt64) {
        if now >= probeDue {
            samples.push(LoopSample(kind: .lag, at: now, value: now - probeDue))
            probeDue = now + Nanos.fromMs(current.probeIntervalMs)
            probeDueAt.store(probeDue, ordering: .releasing)
        }
        if var due = nextArrival, due <= now {
            var made = 0
            while due <= now, made < Self.catchUpLimit {
                arriveOne(at: due)
                made += 1
                guard let gap = arrivalGap() else { break }
                due += gap
            }
            if due <= now {
                events.push(EngineEvent(time: now, kind: .notice,
                                        message: "arrivals: caught up \(made) jobs after a stall; later ones skipped"))
                due = now + (arrivalGap() ?? 0)
            }
            nextArrival = arrivalGap() == nil ? nil : due
        }
        if let due = nextBurst, due <= now, let gap = burstGap() {
            // One burst, however late: a stalled loop does not owe a backlog of them.
            arrive(count: current.burstSize, at: due, reason: "scheduled burst")
            nextBurst = max(due + gap, now + 1)
        }
        if var due = nextRequest, due <= now, let gap = requestGap() {
            while due <= now {
                if pendingRequests.count < Self.requestBacklogLimit {
                    pendingRequests.append(due)
                } else {
                    requestsShed.add(1, ordering: .relaxed)
                }
                due += gap
            }
            nextRequest = due
            requestsWaiting.store(pendingRequests.count, ordering: .relaxed)
        }
        nextRequestDueAt.store(nextRequest ?? 0, ordering: .relaxed)
        requestGapNanos.store(requestGap() ?? 0, ordering: .relaxed)
    }

    private func arrive(count: Int, at time: UInt64, reason: String) {
        for _ in 0..<count { arriveOne(at: time) }
        events.push(EngineEvent(time: time, kind: .control, message: "\(reason): \(count) jobs fired"))
    }

    /// One job arrives: it is placed where the mode says, or rejected.
    private func arriveOne(at time: UInt64) {
        var name = current.workload
        var ms = current.jobMs
        var fixedUnits: Int?
        if let entry = pickFromMix() {
            name = entry.workload
            ms = entry.jobMs ?? ms
            fixedUnits = entry.units
        }
        guard let workload = catalog.workload(named: name) else { return }
        let id = jobIDs.next()
        let place: JobPlace = current.mode == .offloaded ? .worker : .loop
        let units = fixedUnits ?? sizer.units(for: workload.name, ms: ms, place: place, catalog: catalog)
        let shownMs = fixedUnits.map { Double($0) * (catalog.entry(named: name)?.nanosPerUnit ?? 0) / 1e6 } ?? ms
        let job = Job(id: id, workload: workload, units: units, targetMs: shownMs,
                      submittedAt: time, mode: current.mode)
        switch current.mode {
        case .offloaded:
            outgoing.append(withInput(job))
        case .blocking, .chunked:
            let accepted = pool.state.withLock { s -> Bool in
                guard s.loop.queued < UInt64(s.capacity) else {
                    s.loop.submitRejected()
                    return false
                }
                s.loop.submitQueued()
                return true
            }
            if accepted { backlog.append(job) }
        }
    }

    /// Hands this iteration's offloaded arrivals to the pool in one go.
    private func flushOutgoing() {
        guard !outgoing.isEmpty else { return }
        let rejected = outgoing.count == 1 ? (pool.submit(outgoing[0]) ? [] : outgoing) : pool.submit(contentsOf: outgoing)
        inFlight += outgoing.count - rejected.count
        exchanged = true
        outgoing.removeAll(keepingCapacity: true)
        for job in rejected {
            // A rejected job's travelling buffer comes home at once.
            if let buffer = job.input?.transferable { inputs.giveBack(buffer) }
        }
    }

    /// Attaches the job's input as the settings say, copying it if they say copy.
    private func withInput(_ job: Job) -> Job {
        var job = job
        let bytes = Int(current.inputKB * 1024)
        job.input = inputs.make(byteCount: bytes, passing: current.passing, clock: clock)
        return job
    }

    /// A mix entry chosen by weight, or nil without a mix.
    private func pickFromMix() -> MixEntry? {
        let mix = current.mix
        guard !mix.isEmpty else { return nil }
        let total = mix.reduce(0) { $0 + max(0, $1.weight) }
        guard total > 0 else { return mix.first }
        var pick = rng.nextUnit() * total
        for entry in mix {
            pick -= max(0, entry.weight)
            if pick <= 0 { return entry }
        }
        return mix.last
    }

    private func serveRequests() {
        guard !pendingRequests.isEmpty else { return }
        while let arrival = pendingRequests.popFirst() {
            _ = SpinWorkload.burn(arrival, count: requestIterations)
            let done = clock.now()
            samples.push(LoopSample(kind: .request, at: done, value: done &- arrival))
            requestsCompleted.add(1, ordering: .relaxed)
        }
        requestsWaiting.store(0, ordering: .relaxed)
    }

    private func doJobWork() {
        // The mode applies when the loop's handler gets to a job: after a
        // switch to offloaded, jobs still waiting for the loop go to the pool.
        if current.mode == .offloaded, !backlog.isEmpty {
            let moved = backlog.map { withInput($0) }
            backlog.removeAll()
            pool.adoptFromLoop(moved)
            inFlight += moved.count
            exchanged = true
        }
        if chunked == nil, var job = backlog.popFirst() {
            job.mode = current.mode
            let startedAt = clock.now()
            pool.state.withLock { $0.loop.start() }
            currentJob.withLock {
                $0 = RunningJob(id: job.id, workload: job.workload.name, mode: job.mode,
                                targetMs: job.targetMs, startedAt: startedAt)
            }
            if job.mode == .blocking {
                let cpuBefore = selfCPUNanos()
                let (outcome, reason) = runToEnd(job, context: JobContext(flag: flags))
                finishLoopJob(job, startedAt: startedAt, outcome: outcome, reason: reason,
                              cpuNanos: selfCPUNanos() &- cpuBefore)
                return
            }
            chunked = (job, job.workload.makeRun(units: job.units, seed: job.id), startedAt, 0)
            flags.publishProgress(done: 0, of: job.units)
        }
        guard let slice = chunked else { return }
        let context = JobContext(flag: flags)
        let sliceEnd = clock.now() + Nanos.fromMs(current.sliceMs)
        do {
            while true {
                try context.checkpoint()
                if try slice.run.step(context) {
                    chunked = nil
                    finishLoopJob(slice.job, startedAt: slice.startedAt, outcome: .completed, reason: nil)
                    return
                }
                chunked?.done += 1
                flags.publishProgress(done: chunked?.done ?? 0, of: slice.job.units)
                if clock.now() >= sliceEnd { return }
            }
        } catch {
            chunked = nil
            let cancelled = (error as? JobInterruption) == .cancelled
            finishLoopJob(slice.job, startedAt: slice.startedAt, outcome: cancelled ? .cancelled : .failed,
                          reason: cancelled ? "engine stopped" : "\(error)")
        }
    }

    private func finishLoopJob(_ job: Job, startedAt: UInt64, outcome: JobOutcome, reason: String?,
                               cpuNanos: UInt64 = 0) {
        let finishedAt = clock.now()
        pool.state.withLock { $0.loop.finish(outcome) }
        currentJob.withLock { $0 = nil }
        var record = JobRecord(id: job.id, workload: job.workload.name, mode: job.mode, outcome: outcome,
                               workerID: nil, submittedAt: job.submittedAt, startedAt: startedAt,
                               finishedAt: finishedAt, reason: reason)
        record.units = job.units
        record.targetMs = job.targetMs
        record.cpuNanos = cpuNanos
        learn(from: record, place: .loop)
        events.push(EngineEvent(time: finishedAt, kind: .jobFinished, job: record))
        // A job that held the loop far past the probe interval gets named.
        let held = finishedAt &- startedAt
        if job.mode == .blocking, held >= Nanos.fromMs(max(50, 10 * current.probeIntervalMs)) {
            fireTimers(now: finishedAt)
            flushOutgoing()
            events.push(EngineEvent(
                time: finishedAt, kind: .notice, job: record,
                message: "loop blocked \(formatMs(held)) by job #\(job.id) \(job.workload.name); "
                    + "\(pendingRequests.count) requests waited"))
        }
    }

    /// Completed jobs whose CPU time was measured teach the sizer.
    private func learn(from record: JobRecord, place: JobPlace) {
        guard record.outcome == .completed, record.cpuNanos > 0 else { return }
        sizer.learn(workload: record.workload, place: place, targetMs: record.targetMs, units: record.units,
                    cpuNanos: record.cpuNanos)
    }

    private func shutDownJobs() {
        if let slice = chunked {
            chunked = nil
            finishLoopJob(slice.job, startedAt: slice.startedAt, outcome: .cancelled, reason: "engine stopped")
        }
        let left = backlog.count
        backlog.removeAll()
        if left > 0 {
            pool.state.withLock { $0.loop.cancelQueued(UInt64(left)) }
        }
        busyClock.store(busyClock.load(ordering: .relaxed) & ~Self.busyBit, ordering: .releasing)
    }
}

/// "812 ms", "1.25 s", "0.42 ms": a duration as people read it.
public func formatMs(_ nanos: UInt64) -> String {
    let ms = Double(nanos) / 1e6
    if ms >= 10_000 { return String(format1: ms / 1000, digits: 1) + " s" }
    if ms >= 1000 { return String(format1: ms / 1000, digits: 2) + " s" }
    if ms >= 10 { return "\(Int(ms.rounded())) ms" }
    if ms >= 1 { return String(format1: ms, digits: 1) + " ms" }
    return String(format1: ms, digits: 2) + " ms"
}

extension String {
    /// A number with a fixed count of decimals, without Foundation's formatter.
    public init(format1 value: Double, digits: Int) {
        guard value.isFinite else { self = value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf"); return }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let negative = value < 0
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9.0e18 else { self = "\(value)"; return }
        let whole = UInt64(scaled)
        let intPart = whole / UInt64(scale)
        var frac = digits > 0 ? String(whole % UInt64(scale)) : ""
        while frac.count < digits { frac = "0" + frac }
        self = (negative && whole != 0 ? "-" : "") + String(intPart) + (digits > 0 ? "." + frac : "")
    }
}

/// A small, fast, seedable generator (SplitMix64), so arrivals replay the same.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in (0, 1].
    mutating func nextUnit() -> Double { Double((next() >> 11) + 1) / Double(1 << 53) }
}
