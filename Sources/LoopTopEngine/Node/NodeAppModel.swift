/// What looptop knows of a watched Node.js app, changed only by what the
/// probe, the app's output and the inspector tell it, each at a time the
/// caller gives (monotonic ns): a pure value, tested without node or threads.
///
/// Stalls. The probe beats every few ms (an unref'd interval timer); a beat
/// that comes late says by how much (`late_ms`, measured in the app). When no
/// beat has come for most of the threshold, ``pauseDue(at:)`` says to pause the
/// app through its inspector; frames that come back before the late beat
/// belong to that stall (the inspector sends them while the app is paused, so
/// before the app can beat again). Frames after it are dropped: the pause
/// landed after the stall ended and shows whatever ran next.
public struct NodeAppModel: Sendable {
    /// A stall is a beat late by at least this many ms.
    public let thresholdMs: Double
    public let blame: Bool
    public let start: UInt64
    public var script: String

    public private(set) var pid: Int32?
    /// Reads one of the app's threads from /proc (nil: the main thread; a
    /// tid: a Worker's). Set by the app's reader; a model without it (a test,
    /// a replay) shows no kernel figures.
    public var readThread: (@Sendable (Int32?) -> TaskReading?)?
    /// Each thread's reading at the last interval, for its rates.
    private var threadReadings: [Int32: (reading: TaskReading, at: UInt64)] = [:]
    public private(set) var nodeVersion: String?
    public private(set) var connected = false
    public private(set) var inspectorURL: String?
    public var blameReady = false
    /// looptop is connecting to the inspector (once, at start).
    public var blameConnecting = false
    public private(set) var heartbeatMs: Double = 20
    /// The probe saw the app's loop mostly idle (once): a good moment to enable its debugger.
    public private(set) var idleSeen = false
    /// looptop is enabling the app's debugger now (its main thread is busy with it): no pause.
    public var debuggerEnabling = false {
        didSet { if debuggerEnabling { enablingSinceBeat = true } }
    }
    /// The debugger was being enabled at some point since the last beat.
    private var enablingSinceBeat = false
    /// A stall has been put down to the debugger's enabling already. It is
    /// enabled once, so one stall at most is looptop's: `debuggerEnabling`
    /// is read from the inspector client a poll late, and on a loaded machine
    /// it was still true at the beat that ended the enabling's stall, so the
    /// app's own block right after it was labelled looptop's too (and lost
    /// its blame).
    private var enablingStallSeen = false
    public private(set) var intervalMs: Double = 1000
    private var lastBeat: UInt64?

    // One pause per stall.
    private var generation: UInt64 = 0
    private var pauseSent = false
    private var pauseReading: PauseReading?

    private var intervals: [NodeSnapshot.Interval] = []
    /// GCs and their time over every interval since the app started (the
    /// intervals kept are the last 600): what a counter is made of.
    private var gcCountTotal = 0
    private var gcMsTotal = 0.0
    private var workers: [Int: NodeSnapshot.Worker] = [:]
    private var workerOrder: [Int] = []
    public private(set) var allStalls: [NodeSnapshot.Stall] = []
    private var blockers: [String: NodeSnapshot.Blocker] = [:]
    private var events: [NodeSnapshot.Event] = []
    private var log: [String] = []
    private var pendingReports: [NodeReport] = []
    /// The latest reports, for a recording (which reads them apart from the
    /// headless lines' ``takeReports()``), and how many there were in all.
    private var recentReports: [NodeReport] = []
    public private(set) var reportsTotal = 0
    /// Output lines and events in all (the kept ones are the newest): a
    /// recording's frames carry only the new ones.
    private var logTotal = 0
    private var eventsTotal = 0
    public private(set) var stoppedByLooptop = false
    private var stallsSinceReport: [NodeSnapshot.Stall] = []
    public private(set) var ending: NodeSnapshot.Ending?
    public private(set) var problem: String?
    private var lastErrorLine: String?
    public var droppedLines: UInt64 = 0
    /// Pauses that found the app blocked, and their latency (send → paused), for the bench.
    public private(set) var pauseLatenciesMs: [Double] = []

    static let maxEvents = 200
    static let maxLog = 500
    static let maxStallsKept = 10_000
    static let maxEndedWorkers = 64
    static let maxRecentReports = 256
    /// Stalls a snapshot holds (``NodeSnapshot/stalls``; ``NodeSnapshot/stallsTotal`` counts all).
    static let stallsShown = 100

    public init(script: String, thresholdMs: Double = 50, blame: Bool = true, start: UInt64) {
        self.script = script
        self.thresholdMs = thresholdMs
        self.blame = blame
        self.start = start
    }

    func seconds(_ now: UInt64) -> Double { Double(now &- start) / 1e9 }

    // MARK: what happens

    public mutating func receive(_ message: ProbeMessage, at now: UInt64) {
        switch message.t {
        case "hb":
            beat(lateMs: Self.finite(message.late_ms), at: now)
        case "hello":
            connected = true
            pid = message.pid ?? pid
            nodeVersion = message.node
            if let hb = message.heartbeat_ms, hb > 0, hb < 1000 { heartbeatMs = hb }
            if let every = message.interval_ms, every > 0, every <= 3_600_000 { intervalMs = every }
            lastBeat = now
            note("probe connected: node \(nodeVersion ?? "?"), pid \(pid.map { String($0) } ?? "?")", at: now)
        case "inspector":
            if let url = message.url { inspectorURL = url }
            if let error = message.error { note("blame off: the inspector did not open (\(error))", at: now) }
        case "worker":
            guard let id = message.id, let state = message.state else { return }
            if state == "thread" {
                // Only a Worker the probe announced, and a tid that is one of the app's threads.
                guard var w = workers[id], let tid = message.tid, tid > 0, w.tid == nil else { return }
                if let readThread, readThread(tid) == nil { return }
                w.tid = tid
                workers[id] = w
                return
            }
            worker(id: id, state: state, code: message.code, message: message.message, at: now)
        case "terminating":
            if let id = message.id, var w = workers[id], w.isLive {
                w.state = .terminating
                workers[id] = w
                note("worker \(id): terminate() called", at: now)
            }
        case "idle":
            idleSeen = true
        case "notice":
            if let text = message.text { note(text, at: now) }
        case "fig":
            figures(message, at: now)
        default:
            break
        }
    }

    private mutating func beat(lateMs: Double, at now: UInt64) {
        lastBeat = now
        if lateMs >= thresholdMs {
            var stall = NodeSnapshot.Stall(at: max(0, seconds(now) - lateMs / 1000), ms: lateMs, frames: [], note: nil)
            if let reading = pauseReading {
                stall.frames = reading.frames
                if reading.frames.isEmpty { stall.note = "not in JavaScript: native code or GC" }
                pauseLatenciesMs.append(reading.pauseLatencyMs)
                if pauseLatenciesMs.count > 1000 { pauseLatenciesMs.removeFirst(500) }
            } else if !blame {
                stall.note = "blame off"
            } else if enablingSinceBeat && !enablingStallSeen {
                stall.note = "while looptop enabled the app's debugger (once)"
                enablingStallSeen = true
            } else if !blameReady && blameConnecting {
                stall.note = "while looptop was connecting to the app's inspector"
            } else if !blameReady {
                stall.note = "inspector not connected"
            } else {
                stall.note = "it ended before the pause took effect"
            }
            record(stall, at: now)
        }
        generation &+= 1
        pauseSent = false
        pauseReading = nil
        enablingSinceBeat = debuggerEnabling
    }

    private mutating func record(_ stall: NodeSnapshot.Stall, at now: UInt64) {
        allStalls.append(stall)
        if allStalls.count > Self.maxStallsKept { allStalls.removeFirst(allStalls.count - Self.maxStallsKept) }
        stallsSinceReport.append(stall)
        // Stalls without frames are grouped by why they have none: a stall
        // looptop itself caused (enabling the debugger) is not "native code".
        let key = stall.blamed?.label ?? "note:" + (stall.note ?? "")
        var blocker = blockers[key] ?? NodeSnapshot.Blocker(frame: stall.blamed, count: 0, totalMs: 0, maxMs: 0,
                                                            note: stall.blamed == nil ? stall.note : nil)
        blocker.count += 1
        blocker.totalMs += stall.ms
        blocker.maxMs = max(blocker.maxMs, stall.ms)
        blockers[key] = blocker
        note(stall.sentence, at: now)
    }

    private mutating func worker(id: Int, state: String, code: Int?, message: String?, at now: UInt64) {
        var w = workers[id] ?? NodeSnapshot.Worker(id: id, state: .starting, exitCode: nil, error: nil, utilization: nil)
        if workers[id] == nil { workerOrder.append(id) }
        switch state {
        case "starting": w.state = .starting
        case "online":
            w.state = .online
            note("worker \(id) online", at: now)
        case "error":
            w.state = .failed
            w.error = message ?? "?"
            note("worker \(id) error: \(w.error!)", at: now)
        case "exited":
            w.exitCode = code
            if w.state != .failed { w.state = .exited }
            w.utilization = nil
            w.sched = nil
            note("worker \(id) exited" + (code.map { " with code \($0)" } ?? ""), at: now)
        default:
            return
        }
        workers[id] = w
        pruneEndedWorkers()
    }

    private mutating func pruneEndedWorkers() {
        let ended = workerOrder.filter { !(workers[$0]?.isLive ?? false) }
        guard ended.count > Self.maxEndedWorkers else { return }
        for id in ended.prefix(ended.count - Self.maxEndedWorkers) {
            workers[id] = nil
            workerOrder.removeAll { $0 == id }
        }
    }

    private mutating func figures(_ m: ProbeMessage, at now: UInt64) {
        let seconds = (intervals.last.map { self.seconds(now) - $0.at }) ?? intervalMs / 1000
        let interval = NodeSnapshot.Interval(
            at: self.seconds(now), seconds: max(0, seconds),
            lag: .init(p50: Self.finite(m.p50), p99: Self.finite(m.p99), max: Self.finite(m.max)),
            utilization: Self.unit(m.elu), heapUsedBytes: Self.finite(m.heap, limit: 1e15),
            gcCount: min(max(0, m.gc?.count ?? 0), 1_000_000), gcMs: Self.finite(m.gc?.ms), gcMaxMs: Self.finite(m.gc?.max_ms),
            mainThread: threadRates(nil, at: now))
        intervals.append(interval)
        gcCountTotal += interval.gcCount
        gcMsTotal += interval.gcMs
        if intervals.count > 600 { intervals.removeFirst(intervals.count - 600) }
        for figure in m.workers ?? [] {
            guard var w = workers[figure.id], w.isLive else { continue }
            w.utilization = figure.elu.map { Self.unit($0) }
            workers[figure.id] = w
        }
        for id in workerOrder {
            guard var w = workers[id], let tid = w.tid else { continue }
            w.sched = w.isLive ? threadRates(tid, at: now) : nil
            workers[id] = w
        }
        // Threads that ended are not read again.
        let known = Set(workerOrder.compactMap { workers[$0]?.isLive == true ? workers[$0]?.tid : nil })
        threadReadings = threadReadings.filter { $0.key == 0 || known.contains($0.key) }
        let report = NodeReport(interval: interval, workers: workerList(), stalls: stallsSinceReport)
        pendingReports.append(report)
        stallsSinceReport.removeAll()
        if pendingReports.count > 1000 { pendingReports.removeFirst(pendingReports.count - 1000) }
        recentReports.append(report)
        reportsTotal += 1
        if recentReports.count > Self.maxRecentReports { recentReports.removeFirst(recentReports.count - Self.maxRecentReports) }
    }

    /// A thread's rates since its reading at the last interval (nil: the
    /// main thread, kept under key 0); nil on the first reading, or when it
    /// cannot be read (it ended, or there is no reader).
    private mutating func threadRates(_ tid: Int32?, at now: UInt64) -> TaskRates? {
        guard let readThread, let reading = readThread(tid) else { return nil }
        let key = tid ?? 0
        defer { threadReadings[key] = (reading, now) }
        guard let last = threadReadings[key], now > last.at else { return nil }
        return TaskRates(from: last.reading, to: reading, seconds: Double(now - last.at) / 1e9)
    }

    /// The silence after a beat (ms) at which looptop pauses the app: the
    /// loop is then late by at least half the threshold (a beat is due every
    /// `heartbeatMs`), and a stall as long as the threshold is still on when
    /// the pause lands (5 ms left for it; its median is about 2 ms here).
    var pauseAfterMs: Double { max(heartbeatMs + thresholdMs / 2, thresholdMs - 5) }

    /// Asks whether to pause the app now for blame; if so, marks the pause
    /// sent and returns the generation to hand back with its reading.
    public mutating func pauseDue(at now: UInt64) -> UInt64? {
        guard blame, blameReady, connected, ending == nil, !pauseSent, !debuggerEnabling, let lastBeat else { return nil }
        guard Double(now &- lastBeat) / 1e6 >= pauseAfterMs else { return nil }
        pauseSent = true
        return generation
    }

    /// When the next pause could be due (monotonic ns), for the reader's poll timeout.
    public func nextPauseCheck() -> UInt64? {
        guard blame, blameReady, connected, !pauseSent, !debuggerEnabling, let lastBeat else { return nil }
        return lastBeat + UInt64(pauseAfterMs * 1e6)
    }

    public mutating func paused(_ reading: PauseReading, generation: UInt64) {
        guard generation == self.generation, pauseSent else { return }
        pauseReading = reading
    }

    /// A line of the app's output (stdout or stderr), for the log panel; an
    /// uncaught error's line is remembered to say why the app ended.
    public mutating func output(_ line: String, stderr: Bool) {
        log.append(line)
        logTotal += 1
        if log.count > Self.maxLog { log.removeFirst(log.count - Self.maxLog) }
        if stderr, Self.looksLikeError(line) { lastErrorLine = String(line.prefix(300)) }
    }

    static func looksLikeError(_ line: String) -> Bool {
        guard let first = line.unicodeScalars.first, first.properties.isUppercase else { return false }
        let head = line.prefix(while: { $0 != ":" && $0 != " " && $0 != "[" })
        return head.hasSuffix("Error") || head.hasSuffix("Exception") || line.hasPrefix("Uncaught")
    }

    public mutating func ended(_ ending: NodeSnapshot.Ending, at now: UInt64, stoppedByLooptop: Bool = false) {
        guard self.ending == nil else { return }
        self.ending = ending
        lost = nil
        self.stoppedByLooptop = stoppedByLooptop
        if stoppedByLooptop {
            note("app stopped by looptop (\(ending.text))", at: now)
            return
        }
        var text = "app \(ending.text)"
        if ending != .exited(code: 0), let error = lastErrorLine { text += ": \(error)" }
        if !connected { text += " before the probe connected" }
        if ending != .exited(code: 0) || !connected { problem = problem ?? text }
        note(text, at: now)
    }

    /// The probe's socket closed: the app is exiting. A stall still open (no
    /// beat since) ended with the app, and is counted up to here.
    public mutating func probeClosed(at now: UInt64) {
        guard connected, let lastBeat, ending == nil else { return }
        let silent = Double(now &- lastBeat) / 1e6 - heartbeatMs
        if silent >= thresholdMs {
            beat(lateMs: silent, at: now)
            if var stall = allStalls.last, stall.frames.isEmpty, stall.note == "it ended before the pause took effect" {
                stall.note = "the app exited during it"
                allStalls[allStalls.count - 1] = stall
                if !stallsSinceReport.isEmpty { stallsSinceReport[stallsSinceReport.count - 1] = stall }
            }
        }
        self.lastBeat = nil
    }

    /// The inspector connection failed or ended. Said only if the app is still
    /// running a moment later: at exit the connection ends first, and that is no news.
    public mutating func inspectorLost(_ reason: String, at now: UInt64) {
        if ending == nil { lost = (reason, now) }
    }

    private var lost: (reason: String, at: UInt64)?

    /// Time passes: a lost inspector is said once the app outlived it.
    public mutating func tick(at now: UInt64) {
        if let lost, ending == nil, now &- lost.at > 500_000_000 {
            note("blame off: \(lost.reason)", at: now)
            self.lost = nil
        }
    }

    public mutating func setProblem(_ text: String, at now: UInt64) {
        problem = text
        note(text, at: now)
    }

    public mutating func note(_ text: String, at now: UInt64) {
        events.append(.init(at: seconds(now), text: text))
        eventsTotal += 1
        if events.count > Self.maxEvents { events.removeFirst(events.count - Self.maxEvents) }
    }

    /// Interval reports not yet taken, oldest first (one per probe figures line).
    public mutating func takeReports() -> [NodeReport] {
        defer { pendingReports.removeAll() }
        return pendingReports.map { $0 }
    }

    /// The reports after the first `seen` of all (at most the newest 256), and
    /// how many there are in all: a recording's cursor, apart from ``takeReports()``.
    public func reports(after seen: Int) -> (reports: [NodeReport], total: Int) {
        let new = max(0, min(recentReports.count, reportsTotal - max(0, seen)))
        return (recentReports.suffix(new).map { $0 }, reportsTotal)
    }

    /// Stalls that ended since the last report.
    public var unreportedStalls: [NodeSnapshot.Stall] { stallsSinceReport }

    // MARK: reading

    func workerList() -> [NodeSnapshot.Worker] { workerOrder.compactMap { workers[$0] } }

    public func snapshot(at now: UInt64) -> NodeSnapshot {
        let uptime = seconds(now)
        var inProgress = 0.0
        if connected, ending == nil, let lastBeat {
            let silent = Double(now &- lastBeat) / 1e6 - heartbeatMs
            if silent >= thresholdMs { inProgress = silent }
        }
        let recent = intervals.filter { uptime - $0.at <= 10 }.map(\.lag.max).max() ?? 0
        return NodeSnapshot(
            pid: pid, nodeVersion: nodeVersion, script: script, uptime: uptime, connected: connected,
            inspectorURL: inspectorURL, blameReady: blameReady, last: intervals.last,
            lagRecentMaxMs: max(recent, inProgress), stallInProgressMs: inProgress,
            stallInProgressFrames: inProgress > 0 ? (pauseReading?.frames ?? []) : [],
            workers: workerList(), stalls: Array(allStalls.suffix(Self.stallsShown)), stallsTotal: allStalls.count,
            gcCountTotal: gcCountTotal, gcMsTotal: gcMsTotal,
            topBlockers: blockers.values.sorted { $0.totalMs > $1.totalMs }.prefix(10).map { $0 },
            events: events.map { $0 }, log: log.map { $0 }, ending: ending, droppedLines: droppedLines, problem: problem,
            logTotal: logTotal, eventsTotal: eventsTotal, stoppedByLooptop: stoppedByLooptop)
    }

    // Copies into buffers of their own: a caller reads them outside the lock
    // while the reader thread appends in place (see the brief's TSan rule).
    public var intervalHistory: [NodeSnapshot.Interval] { intervals.map { $0 } }

    /// A figure from the probe as a number the screen can show: negative,
    /// NaN or infinite is 0, and anything past `limit` (by default 10^9 ms,
    /// 11 days) is cut to it, so a hostile or broken line cannot trap a
    /// conversion to Int later (issue 15: `late_ms: 1e308` crashed looptop).
    static func finite(_ value: Double?, limit: Double = 1e9) -> Double {
        guard let value, value.isFinite, value >= 0 else { return 0 }
        return min(value, limit)
    }

    static func unit(_ value: Double?) -> Double { min(1, finite(value)) }
}

/// One probe interval, as a headless line reports it.
public struct NodeReport: Codable, Sendable, Equatable {
    public var interval: NodeSnapshot.Interval
    public var workers: [NodeSnapshot.Worker]
    /// Stalls that ended in this interval.
    public var stalls: [NodeSnapshot.Stall]
}
