#if canImport(Glibc)
import Glibc
#endif

/// Why a process cannot be watched: one line for the user.
public struct ProcessWatchError: Error, Sendable, Equatable, CustomStringConvertible {
    public var pid: Int32
    public var message: String
    public var description: String { message }

    /// Checks that `pid` exists and its threads can be read.
    public static func check(pid: Int32) -> ProcessWatchError? {
        guard pid > 0 else {
            return ProcessWatchError(pid: pid, message: "attach: \(pid) is not a process id (expected a number > 0)")
        }
        if access("/proc/\(pid)", F_OK) != 0 {
            return ProcessWatchError(pid: pid, message: "attach: no process \(pid) (/proc/\(pid) does not exist)")
        }
        guard let stat = ProcTasks.processStat(of: pid) else {
            return ProcessWatchError(pid: pid, message: "attach: cannot read /proc/\(pid)/stat: \(String(cString: strerror(errno)))")
        }
        if stat.hasExited {
            return ProcessWatchError(pid: pid, message: "attach: process \(pid) has already exited (a zombie)")
        }
        guard let ids = ProcTasks.threadIDs(of: pid), let tid = ids.first else {
            return ProcessWatchError(pid: pid, message: "attach: cannot list /proc/\(pid)/task: \(String(cString: strerror(errno)))")
        }
        if ProcTasks.read(pid: pid, tid: tid) == nil {
            return ProcessWatchError(pid: pid, message: "attach: cannot read /proc/\(pid)/task/\(tid)/status: \(String(cString: strerror(errno)))")
        }
        return nil
    }
}

/// Another process's threads as a source of snapshots (`looptop attach PID`).
///
/// A thread of its own (`looptop-attach`) reads `/proc/PID/task/*` every
/// `readEverySeconds` (1 s by default: about 12 µs a thread here, so 1,000
/// threads cost about 1 % of a core) and runs ``ProcessWatch``'s pure step;
/// `snapshot()` only returns the last result, so the UI may ask at any rate.
/// Read-only: it cannot steer the process; it shows each thread's detail.
public final class ProcessThreads: SnapshotSource, @unchecked Sendable {
    public let pid: Int32
    public let command: String
    public let readEverySeconds: Double
    private let clock: any EngineClock
    private struct State {
        var watch: ProcessWatch
        var stopping = false
        var thread: OSThread?
        var observer: (@Sendable (Snapshot) -> Void)?
    }
    private let state: ConditionMutex<State>

    /// Checks the process first: a pid that does not exist or cannot be read throws.
    public init(pid: Int32, readEverySeconds: Double = 1, clock: any EngineClock = SystemClock()) throws(ProcessWatchError) {
        if let problem = ProcessWatchError.check(pid: pid) { throw problem }
        self.pid = pid
        self.command = ProcTasks.commandLine(of: pid) ?? "?"
        self.readEverySeconds = max(0.01, readEverySeconds)
        self.clock = clock
        state = ConditionMutex(State(watch: ProcessWatch(pid: pid, command: command,
                                                         readEverySeconds: self.readEverySeconds)))
    }

    /// Takes a reading now and returns its snapshot: for callers that pace
    /// themselves (headless), without the reading thread.
    @discardableResult
    public func readNow() -> Snapshot {
        let reading = ProcessReading.take(pid: pid, clock: clock)
        let (stepped, observer) = state.withLock { ($0.watch.step(reading), $0.observer) }
        var s = stepped
        s.source = info
        observer?(s)
        return s
    }

    /// Calls `observer` with the snapshot of every reading from now on (nil
    /// stops), on the thread that took it: the reading thread, or the caller
    /// of ``readNow()`` headless. One reading at a time, so a recorder or an
    /// exporter fed from here sees them in order. A recording's header
    /// comes from `info`.
    public func observeReadings(_ observer: (@Sendable (Snapshot) -> Void)?) {
        state.withLock { $0.observer = observer }
    }

    /// Starts the reading thread (one reading at once, then one every
    /// `readEverySeconds`) until `stop()` or the process exits.
    public func start() {
        let begin = state.withLock { s -> Bool in s.thread == nil && !s.stopping }
        guard begin else { return }
        readNow()
        let thread = OSThread.spawn(name: "looptop-attach") { [self] in readLoop() }
        state.withLock { $0.thread = thread }
    }

    private func readLoop() {
        let step = Nanos.fromSeconds(readEverySeconds)
        var next = monotonicNow() + step
        while true {
            let stop = state.wait(deadline: next) { s -> Bool? in s.stopping ? true : nil }
            if stop == true { return }
            readNow()
            if state.withLock({ $0.watch.hasEnded }) { return }
            let now = monotonicNow()
            next += step
            if next <= now { next = now + step }
        }
    }

    /// Stops the reading thread and waits for it.
    public func stop() {
        let thread = state.withLock { s -> OSThread? in
            s.stopping = true
            let t = s.thread
            s.thread = nil
            return t
        }
        state.broadcast()
        thread?.join()
    }

    public var info: SourceInfo { SourceInfo(kind: .process, title: "attach " + command, pid: pid) }

    /// No control: a process is watched, never steered. Detail: yes (every
    /// thread's figures are in every snapshot).
    public var capabilities: SourceCapabilities { [.workerDetail] }

    /// The last snapshot made. Reading it changes nothing.
    public func snapshot(detailFor worker: Int?) -> Snapshot {
        var s = state.withLock { $0.watch.last }
        s.source = info
        return s
    }

    public func send(_ command: Command) -> CommandOutcome {
        .unsupported("process: read-only (watching pid \(pid))")
    }

    public var ending: SourceEnding? {
        state.withLock { s -> SourceEnding? in
            if let ended = s.watch.last.process?.ended { return .exited(code: nil, message: ended) }
            return s.stopping ? .stopped : nil
        }
    }

    /// The last frame with figures over the whole watch (see ``ProcessWatch/wholeWatch()``).
    public func wholeWatch() -> Snapshot {
        var s = state.withLock { $0.watch.wholeWatch() }
        s.source = info
        return s
    }

    /// Why the watch ended ("process 4242 exited after 3.0 s of watch"), or nil.
    public var ended: String? { state.withLock { $0.watch.last.process?.ended } }
}
