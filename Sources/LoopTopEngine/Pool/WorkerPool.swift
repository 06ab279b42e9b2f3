#if canImport(Glibc)
import Glibc
#endif
import CSystemShims
import DequeModule
import Synchronization

/// A finished offloaded job on its way back to the event loop.
struct JobCompletion: Sendable {
    let record: JobRecord
    /// A transferred input buffer going home to the loop.
    var returned: InputBuffer?
}

/// One worker's own part of the job ledger and its per-job figures, behind a
/// lock of its own. The worker takes it once per job, and nobody else wants
/// it but a snapshot (at the frame rate), so it is never contended on the hot
/// path; the pool's shared lock is taken once per *batch* of jobs.
struct WorkerLedger {
    /// The jobs in this worker's hands: taken from the queue and not yet
    /// started (still *queued*), its running job, and those it finished.
    var counts = JobCounts()
    var current: RunningJob?
    var jobsDone: UInt64 = 0
    var jobsFailed: UInt64 = 0
    var busyNanos: UInt64 = 0

    /// The move of a job that ended, in the ledger and the worker's figures.
    mutating func finish(_ record: JobRecord) {
        counts.finish(record.outcome)
        current = nil
        busyNanos &+= record.runNanos
        if record.outcome == .completed { jobsDone += 1 } else { jobsFailed += 1 }
    }
}

/// What the pool knows of one worker; kept under the pool's lock.
struct WorkerRecord {
    let id: Int
    let name: String
    let flags = JobFlags()
    /// Shared with the worker thread (a reference), read under the pool's lock.
    let ledger = ConditionMutex(WorkerLedger())
    var thread: OSThread?
    var state: WorkerState = .starting
    var stopRequested = false
    var spawnedAt: UInt64
    var readyAt: UInt64?
    var endedAt: UInt64?
    var endReason: String?
    var tid: Int32 = 0
    var cpuNanosAtExit: UInt64 = 0
}

/// The job a worker is running now.
public struct RunningJob: Sendable, Equatable, Codable {
    public let id: UInt64
    public let workload: String
    public let mode: Mode
    public let targetMs: Double
    public let startedAt: UInt64

    public init(id: UInt64, workload: String, mode: Mode, targetMs: Double, startedAt: UInt64) {
        self.id = id
        self.workload = workload
        self.mode = mode
        self.targetMs = targetMs
        self.startedAt = startedAt
    }
}

/// State shared by the pool's threads, behind one lock.
///
/// The queue and the job ledger live together so each job's move (queued →
/// running → an outcome) is one step under the lock that the worker must take
/// anyway to get its next job; per-worker figures ride on the same
/// acquisition, so the metrics cost no extra lock on the hot path.
struct PoolState {
    var queue: Deque<Job> = []
    var capacity: Int
    /// The ledger of jobs submitted to the pool and of its queue (workers keep
    /// their own for the jobs in their hands; ended workers' are folded in here).
    var counts = JobCounts()
    /// The ledger of jobs placed on the event loop (blocking/chunked): queued
    /// there, running there, or ended there.
    var loop = JobCounts()
    var workers: [WorkerRecord] = []
    var idleWaiters = 0
    var nextWorkerID = 1
    var toJoin: [OSThread] = []
    var shuttingDown = false
    var autoRespawn = false
    var spawnFailures: UInt64 = 0

    func index(of id: Int) -> Int? { workers.firstIndex { $0.id == id } }

    /// Every ledger summed: the engine's whole account of its jobs (call with
    /// the pool's lock held, so no job is between two ledgers).
    var ledger: JobCounts {
        var total = counts + loop
        // By index: `for worker in workers` copied every record (and retained
        // its references) to read one lock's figures.
        for i in workers.indices { total = total + workers[i].ledger.withLock { $0.counts } }
        return total
    }
    var liveCount: Int { workers.reduce(0) { $0 + ($1.state.isLive && !$1.stopRequested ? 1 : 0) } }
}

/// A pool of real OS threads (`looptop-w<N>`) taking jobs from one bounded FIFO.
///
/// Workers can be spawned and terminated while jobs run. Terminating a busy
/// worker cancels its job cooperatively: the job's run checks a flag between
/// units of work (every 20–200 µs), so the thread ends within a few ms and the
/// job is counted *cancelled*. Its partial work is lost, as with Node's
/// `worker.terminate()`: a thread cannot be stopped mid-computation without
/// leaving shared state torn, and a half-done result is worth nothing.
final class WorkerPool: @unchecked Sendable {
    let state: ConditionMutex<PoolState>
    /// Held while threads are joined, and while their CPU clocks are read.
    private let joining = ConditionMutex(())
    let clock: any EngineClock
    let events: EventRing<EngineEvent>
    /// Where offloaded completions go (the event loop's inbox), a batch at a time.
    private let onCompletion: @Sendable ([JobCompletion]) -> Void
    /// Whether workers publish a `jobFinished` event per job (benchmarks turn it off).
    let recordJobEvents: Bool
    /// The queue's length, mirrored outside the lock for workers that spin.
    private let queuedHint = Atomic<Int>(0)
    /// How long a worker that finds the queue empty keeps looking before it
    /// sleeps on the condition variable, ns. A stream of small jobs, or a
    /// reply the loop sends straight back, then needs no futex wake per job;
    /// an idle pool pays it once per idle spell. 0 sleeps at once. The spin
    /// does not `sched_yield`: on a loaded machine that hands the core to
    /// another process for a whole timeslice.
    let spinNanos: UInt64
    /// Most jobs a worker takes under one acquisition of the lock.
    static let batchLimit = 32
    /// Jobs that ran shorter than this are taken in batches: for them the
    /// lock is the cost; longer ones are taken one at a time, so a job never
    /// waits behind another in a busy worker's hands while a worker is free.
    static let shortJobNanos: UInt64 = 50_000

    /// Where each worker thread registers itself for /proc figures.
    let watch: ThreadWatch

    init(watch: ThreadWatch = ThreadWatch(periodSeconds: 0), capacity: Int, clock: any EngineClock, events: EventRing<EngineEvent>,
         recordJobEvents: Bool = true, spinMicros: Double = 20,
         onCompletion: @escaping @Sendable ([JobCompletion]) -> Void) {
        spinNanos = Nanos.fromMs(spinMicros / 1000)
        self.watch = watch
        state = ConditionMutex(PoolState(capacity: max(1, capacity)))
        self.clock = clock
        self.events = events
        self.recordJobEvents = recordJobEvents
        self.onCompletion = onCompletion
    }

    // MARK: Jobs

    /// Queues a job for the workers, or rejects it when the queue is full.
    /// Returns false when rejected (the ledger counts it).
    @discardableResult
    func submit(_ job: Job) -> Bool {
        let (accepted, wake) = state.withLock { s -> (Bool, Bool) in
            guard !s.shuttingDown, s.queue.count < s.capacity else {
                s.counts.submitRejected()
                return (false, false)
            }
            s.queue.append(job)
            s.counts.submitQueued()
            queuedHint.store(s.queue.count, ordering: .relaxed)
            return (true, s.idleWaiters > 0)
        }
        if wake { state.signal() }
        return accepted
    }

    /// Queues many jobs under one lock acquisition (a burst, arrivals caught
    /// up after a stall); those that do not fit are rejected and returned.
    @discardableResult
    func submit(contentsOf jobs: [Job]) -> [Job] {
        guard !jobs.isEmpty else { return [] }
        let (rejected, wake) = state.withLock { s -> ([Job], Int) in
            var rejected: [Job] = []
            for job in jobs {
                if !s.shuttingDown, s.queue.count < s.capacity {
                    s.queue.append(job)
                    s.counts.submitQueued()
                } else {
                    s.counts.submitRejected()
                    rejected.append(job)
                }
            }
            queuedHint.store(s.queue.count, ordering: .relaxed)
            return (rejected, min(s.idleWaiters, jobs.count - rejected.count))
        }
        if wake > 1 { state.broadcast() } else if wake == 1 { state.signal() }
        return rejected
    }

    /// Takes jobs that waited on the event loop (already counted as queued
    /// there) into the pool's queue; those that do not fit are rejected.
    func adoptFromLoop(_ jobs: [Job]) {
        guard !jobs.isEmpty else { return }
        let wake = state.withLock { s -> Bool in
            s.loop.handOut(UInt64(jobs.count))
            s.counts.takeQueued(UInt64(jobs.count))
            for var job in jobs {
                job.mode = .offloaded
                if !s.shuttingDown, s.queue.count < s.capacity {
                    s.queue.append(job)
                } else {
                    s.counts.rejectQueued()
                }
            }
            queuedHint.store(s.queue.count, ordering: .relaxed)
            return s.idleWaiters > 0
        }
        if wake { state.broadcast() }
    }

    /// Changes the queue's bound; jobs already queued beyond it stay queued.
    func setCapacity(_ capacity: Int) {
        state.withLock { $0.capacity = max(1, capacity) }
    }

    func setAutoRespawn(_ on: Bool) {
        state.withLock { $0.autoRespawn = on }
    }

    // MARK: Workers

    /// Starts `count` workers; returns their ids (fewer if the OS refuses threads).
    @discardableResult
    func spawn(_ count: Int = 1) -> [Int] {
        var ids: [Int] = []
        for _ in 0..<max(0, count) {
            guard let id = spawnOne() else { break }
            ids.append(id)
        }
        return ids
    }

    private func spawnOne() -> Int? {
        let now = clock.now()
        let result: Int? = state.withLock { s in
            guard !s.shuttingDown else { return nil }
            let id = s.nextWorkerID
            let name = "looptop-w\(id)"
            // The thread is created under the lock so its record holds the
            // handle before the thread can look for it; it blocks on the lock
            // until this returns.
            guard let thread = OSThread.spawn(name: name, body: { [self] in self.workerMain(id: id) }) else {
                s.spawnFailures += 1
                return nil
            }
            s.nextWorkerID += 1
            var record = WorkerRecord(id: id, name: name, spawnedAt: now)
            record.thread = thread
            s.workers.append(record)
            return id
        }
        if let id = result {
            events.push(EngineEvent(time: now, kind: .workerSpawned, workerID: id, message: "worker \(id) spawned"))
        } else {
            events.push(EngineEvent(time: now, kind: .notice, message: "spawn refused: the OS would not create a thread"))
        }
        return result
    }

    /// Asks worker `id` (or, when nil, the newest live one) to stop. An idle
    /// worker exits at once; a busy one cancels its job at the next unit.
    /// Returns the worker's id, or nil if there is none to stop.
    @discardableResult
    func terminate(_ id: Int? = nil) -> Int? {
        let target: Int? = state.withLock { s in
            let candidate: Int?
            if let id {
                candidate = s.workers.first { $0.id == id && $0.state.isLive && !$0.stopRequested }?.id
            } else {
                candidate = s.workers.last { $0.state.isLive && !$0.stopRequested }?.id
            }
            guard let chosen = candidate, let i = s.index(of: chosen) else { return nil }
            s.workers[i].stopRequested = true
            s.workers[i].flags.requestCancel()
            s.workers[i].state = .stopping
            return chosen
        }
        if target != nil { state.broadcast() }
        return target
    }

    /// Injects a fault into worker `id` (or the newest live one): its job, if
    /// any, fails, the worker fails with an error and exits, and the pool
    /// spawns a replacement when auto-respawn is on.
    @discardableResult
    func injectFault(_ id: Int? = nil) -> Int? {
        let target: Int? = state.withLock { s in
            let candidate = id.flatMap { wanted in s.workers.first { $0.id == wanted && $0.state.isLive } }
                ?? s.workers.last { $0.state.isLive && !$0.stopRequested }
            guard let chosen = candidate?.id, let i = s.index(of: chosen) else { return nil }
            s.workers[i].flags.requestFault()
            s.workers[i].stopRequested = true
            return chosen
        }
        if target != nil { state.broadcast() }
        return target
    }

    /// Waits (up to `timeoutNanos` of real time) until worker `id` has ended,
    /// then joins every ended thread. Returns true if it ended in time.
    @discardableResult
    func waitForExit(_ id: Int, timeoutNanos: UInt64) -> Bool {
        let deadline = monotonicNow() + timeoutNanos
        let ended = state.wait(deadline: deadline) { s -> Bool? in
            guard let i = s.index(of: id) else { return true }
            return s.workers[i].state.isLive ? nil : true
        } ?? false
        reap()
        return ended
    }

    /// Joins threads that have ended. Their records stay for display.
    func reap() {
        joining.withLock { _ in
            let threads = state.withLock { s -> [OSThread] in
                defer { s.toJoin.removeAll() }
                return s.toJoin
            }
            for thread in threads { thread.join() }
        }
    }

    /// Runs `body` while no thread can be joined, so it may read the CPU
    /// clocks of threads it saw live under the pool's lock without holding it.
    func withThreadsUnjoined<T>(_ body: () -> T) -> T {
        joining.withLock { _ in body() }
    }

    /// Forgets ended workers beyond the newest `keep`, and those ended more
    /// than `olderThan` ns ago (call with the pool's lock held).
    static func pruneEnded(_ s: inout PoolState, keep: Int, olderThan age: UInt64, now: UInt64) {
        var endedSeen = 0
        for i in s.workers.indices.reversed() where !s.workers[i].state.isLive {
            endedSeen += 1
            let old = (s.workers[i].endedAt.map { now &- $0 > age }) ?? false
            if endedSeen > keep || old { s.workers.remove(at: i) }
        }
    }

    /// Stops every worker, cancels queued jobs, and joins all threads.
    func shutdown() {
        let queued = state.withLock { s -> Int in
            s.shuttingDown = true
            s.autoRespawn = false
            let n = s.queue.count
            s.counts.cancelQueued(UInt64(n))
            s.queue.removeAll()
            queuedHint.store(0, ordering: .relaxed)
            for i in s.workers.indices where s.workers[i].state.isLive {
                s.workers[i].stopRequested = true
                s.workers[i].flags.requestCancel()
                s.workers[i].state = .stopping
            }
            return n
        }
        state.broadcast()
        if queued > 0 {
            events.push(EngineEvent(time: clock.now(), kind: .notice, message: "shutdown: \(queued) queued jobs cancelled"))
        }
        _ = state.wait(deadline: nil) { s -> Bool? in
            s.workers.contains { $0.state.isLive } ? nil : true
        }
        reap()
    }

    // MARK: The worker thread

    private enum Take {
        /// Jobs were moved into the worker's batch.
        case jobs
        case stop(fault: Bool)
        /// The queue is empty: look again for a moment before sleeping.
        case spin
    }

    private func workerMain(id: Int) {
        let tid = currentTID()
        let readyAt = clock.now()
        let registered = state.withLock { s -> (JobFlags, ConditionMutex<WorkerLedger>)? in
            guard let i = s.index(of: id) else { return nil }
            s.workers[i].readyAt = readyAt
            s.workers[i].tid = tid
            return (s.workers[i].flags, s.workers[i].ledger)
        }
        guard let registered else { return }
        let (flags, ledger) = registered
        watch.register(tid: tid)
        events.push(EngineEvent(time: readyAt, kind: .workerReady, workerID: id, message: "worker \(id) online"))

        // Jobs taken from the queue and not yet started; still counted queued,
        // in this worker's ledger.
        var batch = Deque<Job>()
        // Completions not yet posted to the loop: sent together at the end of a batch.
        var completions: [JobCompletion] = []
        completions.reserveCapacity(Self.batchLimit)
        // The last job's end, written into the ledger with the next job's start.
        var ended: JobRecord?
        var lastRun: UInt64 = .max
        var spin = SpinBudget(limit: spinNanos)
        // When this worker last became free to take a job: a job submitted
        // after it found the worker idle, so its wait is the trip alone.
        var freeSince = readyAt
        // The job about to start is the first of a fresh take.
        var firstOfTake = false

        while true {
            if batch.isEmpty {
                switch take(id: id, into: &batch, short: lastRun < Self.shortJobNanos, flags: flags, spin: &spin) {
                case .jobs: firstOfTake = true
                case .stop(let fault):
                    exit(id: id, fault: fault, reason: fault ? "fault injected while idle" : "terminated",
                         job: nil, unstarted: &batch, ledger: ledger)
                    return
                case .spin: continue
                }
            }
            let job = batch.removeFirst()
            let startedAt = clock.now()
            ledger.withLock { l in
                if let done = ended { l.finish(done) }
                l.counts.start()
                l.current = RunningJob(id: job.id, workload: job.workload.name, mode: job.mode,
                                       targetMs: job.targetMs, startedAt: startedAt)
            }
            ended = nil
            var record = execute(job, startedAt: startedAt, workerID: id, flags: flags)
            // Only the first job of a take can have found this worker idle:
            // the others waited behind it in the worker's hands.
            if firstOfTake, freeSince <= job.submittedAt, job.mode == .offloaded {
                record.pickupNanos = record.startedAt &- job.submittedAt
            }
            firstOfTake = false
            lastRun = record.runNanos
            if recordJobEvents {
                events.push(EngineEvent(time: record.finishedAt, kind: .jobFinished, workerID: id, job: record))
            }
            completions.append(JobCompletion(record: record, returned: job.input?.transferable))
            if flags.stopReason() != nil {
                ledger.withLock { $0.finish(record) }
                post(&completions)
                let fault = flags.faultRequested
                exit(id: id, fault: fault,
                     reason: fault ? "fault injected during job #\(job.id)" : "terminated; job #\(job.id) \(record.outcome.rawValue)",
                     job: record, unstarted: &batch, ledger: ledger)
                return
            }
            if batch.isEmpty {
                // The batch is done: its last end is written before the loop hears of it.
                freeSince = record.finishedAt
                ledger.withLock { $0.finish(record) }
                post(&completions)
            } else {
                ended = record
                if completions.count >= Self.batchLimit { post(&completions) }
            }
        }
    }

    private func post(_ completions: inout [JobCompletion]) {
        guard !completions.isEmpty else { return }
        onCompletion(completions)
        completions.removeAll(keepingCapacity: true)
    }

    /// Moves the next jobs from the queue into `batch`: a few at once when
    /// jobs are short, one otherwise. Sleeps (after a spin) while there are none.
    private func take(id: Int, into batch: inout Deque<Job>, short: Bool, flags: JobFlags,
                      spin: inout SpinBudget) -> Take {
        var spun = false
        let budget = spin.next()
        while true {
            let taken: Take = state.withLockWaiting { locked in
                while true {
                    let decision: Take? = locked { s in
                        guard let w = s.index(of: id) else { return .stop(fault: false) }
                        if s.workers[w].stopRequested {
                            return .stop(fault: s.workers[w].flags.faultRequested)
                        }
                        let available = s.queue.count
                        if available > 0 {
                            let count = short ? min(Self.batchLimit, max(1, available / 2)) : 1
                            for _ in 0..<count { batch.append(s.queue.removeFirst()) }
                            queuedHint.store(s.queue.count, ordering: .relaxed)
                            s.counts.handOut(UInt64(count))
                            s.workers[w].ledger.withLock { $0.counts.takeQueued(UInt64(count)) }
                            s.workers[w].state = .running
                            return .jobs
                        }
                        s.workers[w].state = .idle
                        if !spun, budget > 0 { return .spin }
                        s.idleWaiters += 1
                        return nil
                    }
                    if let decision { return decision }
                    locked.wait()
                    locked { $0.idleWaiters -= 1 }
                }
            }
            guard case .spin = taken else { return taken }
            spun = true
            let until = monotonicNow() + budget
            var polls = 0
            while queuedHint.load(ordering: .relaxed) == 0, flags.stopReason() == nil {
                looptop_cpu_relax()
                polls += 1
                // The clock is read every few polls: a vDSO call costs more than a pause.
                if polls & 15 == 0, monotonicNow() >= until { break }
            }
            spin.record(success: queuedHint.load(ordering: .relaxed) != 0)
        }
    }

    /// Runs one job on this thread, unit by unit, checking the flags between units.
    /// A job asked a size has its thread CPU time measured (the sizer learns
    /// from it); an unsized one (a closure, a benchmark's empty job) skips the
    /// two clock syscalls, which would cost more than the job itself.
    private func execute(_ job: Job, startedAt: UInt64, workerID: Int?, flags: JobFlags) -> JobRecord {
        let measured = job.targetMs > 0
        let cpuBefore = measured ? selfCPUNanos() : 0
        let outcome = runToEnd(job, context: JobContext(flag: flags))
        let cpu = measured ? selfCPUNanos() &- cpuBefore : 0
        let finishedAt = clock.now()
        var record = JobRecord(
            id: job.id, workload: job.workload.name, mode: job.mode, outcome: outcome.0,
            workerID: workerID, submittedAt: job.submittedAt, startedAt: startedAt,
            finishedAt: finishedAt, reason: outcome.1)
        record.units = job.units
        record.targetMs = job.targetMs
        record.cpuNanos = cpu
        if let input = job.input {
            record.inputBytes = input.byteCount
            record.copiedBytes = input.copiedBytes
            record.copyNanos = input.copyNanos
            record.allocatedBytes = input.allocatedBytes
        }
        return record
    }

    /// Records a worker's end under the lock, gives its unstarted jobs back to
    /// the queue (or cancels them at shutdown), folds its ledger into the
    /// pool's, queues its thread to be joined, and respawns it when asked.
    private func exit(id: Int, fault: Bool, reason: String, job: JobRecord?,
                      unstarted: inout Deque<Job>, ledger: ConditionMutex<WorkerLedger>) {
        let now = clock.now()
        let cpu = selfCPUNanos()
        watch.finish(tid: currentTID())
        if fault {
            events.push(EngineEvent(time: now, kind: .workerError, workerID: id, job: job,
                                    message: "worker \(id) error: \(reason)"))
        }
        let returned = unstarted
        unstarted.removeAll()
        let respawn = state.withLock { s -> Bool in
            ledger.withLock { l in
                let count = UInt64(returned.count)
                if count > 0 {
                    if s.shuttingDown {
                        l.counts.cancelQueued(count)
                    } else {
                        l.counts.handOut(count)
                        s.counts.takeQueued(count)
                        s.queue.prepend(contentsOf: returned)
                        queuedHint.store(s.queue.count, ordering: .relaxed)
                    }
                }
                l.current = nil
                s.counts.absorb(&l.counts)
            }
            guard let i = s.index(of: id) else { return false }
            s.workers[i].state = fault ? .failed : .exited
            s.workers[i].endedAt = now
            s.workers[i].endReason = reason
            s.workers[i].cpuNanosAtExit = cpu
            if let thread = s.workers[i].thread {
                s.toJoin.append(thread)
                s.workers[i].thread = nil
            }
            return fault && s.autoRespawn && !s.shuttingDown
        }
        events.push(EngineEvent(time: now, kind: .workerExited, workerID: id, job: job,
                                message: "worker \(id) exited (\(fault ? "code 1, " : "")\(reason))"))
        state.broadcast()
        if respawn { spawn(1) }
    }
}

/// Runs `job` to its end on the calling thread. Returns its outcome and, when
/// it did not complete, why.
func runToEnd(_ job: Job, context: JobContext) -> (JobOutcome, String?) {
    do {
        try context.checkpoint()
        try job.input?.consume()
        // A closure runs whole: called directly, it needs no run object (an
        // empty job then allocates nothing). Asked through the protocol, not
        // `as? ClosureWorkload`: that dynamic cast was a sixth of a tiny
        // job's time on the worker (perf, `looptop bench --only tiny`).
        if let whole = job.workload.wholeJob {
            context.publishProgress(done: 0, of: job.units)
            try whole(context, job.units)
            context.publishProgress(done: 1, of: job.units)
            return (.completed, nil)
        }
        let run = job.workload.makeRun(units: job.units, seed: job.id)
        var done = 0
        context.publishProgress(done: 0, of: job.units)
        while try !run.step(context) {
            done += 1
            context.publishProgress(done: done, of: job.units)
            try context.checkpoint()
        }
        return (.completed, nil)
    } catch let interruption as JobInterruption {
        switch interruption {
        case .cancelled: return (.cancelled, "worker terminated")
        case .workerFault: return (.failed, "worker fault")
        }
    } catch {
        return (.failed, "\(error)")
    }
}
