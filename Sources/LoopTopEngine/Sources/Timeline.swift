import DequeModule

/// A run's frames kept small, and rebuilt whole on request: what a recording
/// holds and what the live dashboard rewinds through.
///
/// A kept frame is the snapshot with each history cut to its newest value
/// (empty when that history did not move), the event log cut to the events
/// new since the frame before, and the interval/whole-run figures left out
/// (the tick's ``ScopeDelta`` holds what they are made of). A frame is
/// rebuilt by reading the histories and the log back from the frames
/// before it.
public struct Timeline: Sendable {
    /// One kept frame.
    public struct Entry: Sendable, Equatable, Codable {
        public var snapshot: Snapshot
        public var delta: ScopeDelta?

        public init(snapshot: Snapshot, delta: ScopeDelta?) {
            self.snapshot = snapshot
            self.delta = delta
        }
    }

    public private(set) var entries: Deque<Entry> = []
    /// Frames kept at most (oldest dropped first); nil keeps all.
    public let limit: Int?
    /// Values a rebuilt history holds at most (the engine's `historyLength`).
    public let historyLength: Int
    /// Events a rebuilt log holds at most.
    public let logLength: Int
    /// Frames dropped from the front so far.
    public private(set) var dropped = 0
    private var previous: Snapshot?

    public init(limit: Int? = nil, historyLength: Int = 600, logLength: Int = 200) {
        self.limit = limit.map { max(1, $0) }
        self.historyLength = max(1, historyLength)
        self.logLength = max(1, logLength)
    }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }

    /// Keeps a whole frame (cut down), with what its tick added.
    public mutating func append(_ snapshot: Snapshot, delta: ScopeDelta? = nil) {
        appendCompact(Self.compact(snapshot, previous: previous), delta: delta)
        previous = snapshot
    }

    /// Keeps a frame that is already cut down (read from a recording).
    public mutating func appendCompact(_ snapshot: Snapshot, delta: ScopeDelta?) {
        entries.append(Entry(snapshot: snapshot, delta: delta))
        if let limit, entries.count > limit {
            entries.removeFirst(entries.count - limit)
            dropped += 1
        }
    }

    /// A frame cut down: newest history values only, new log events only,
    /// no scope figures, no detail.
    public static func compact(_ s: Snapshot, previous: Snapshot?) -> Snapshot {
        var c = s
        let reset = previous.map { s.loop.lagHistory.count < $0.loop.lagHistory.count } ?? false
        c.loop.lagHistory = s.loop.lagHistory.last.map { [$0] } ?? []
        c.loop.utilizationHistory = s.loop.utilizationHistory.last.map { [$0] } ?? []
        c.queue.depthHistory = s.queue.depthHistory.last.map { [$0] } ?? []
        let earlier = previous?.workers ?? []
        // Rows mostly come in the same order frame after frame: look there first.
        var before: [Int: SampleHistory]?
        for i in c.workers.indices {
            let activity = s.workers[i].activity
            let id = s.workers[i].id
            let old: SampleHistory?
            if i < earlier.count, earlier[i].id == id {
                old = earlier[i].activity
            } else {
                if before == nil { before = Dictionary(earlier.map { ($0.id, $0.activity) }, uniquingKeysWith: { a, _ in a }) }
                old = before?[id]
            }
            let moved = reset || old.map { $0 != activity } ?? !activity.isEmpty
            c.workers[i].activity = moved ? (activity.last.map { [$0] } ?? []) : []
            c.workers[i].recentJobs = []
            c.workers[i].runHistogram = []
        }
        if let last = previous?.log.last, let at = s.log.lastIndex(of: last) {
            c.log = Array(s.log[(at + 1)...])
        }
        c.interval = IntervalFigures()
        c.total = IntervalFigures()
        if let node = s.node { compactNode(&c, node, previous: previous?.node) }
        return c
    }

    /// A Node app's frame cut down: its histories move once a probe
    /// interval (not every frame), so they are kept only in the frame a new
    /// interval arrived in; its output lines, events and stalls only the new
    /// ones (counted by their totals: the same line printed twice is two lines).
    static func compactNode(_ c: inout Snapshot, _ node: NodeSnapshot, previous: NodeSnapshot?) {
        var n = node
        if let previous, previous.last == node.last {
            c.loop.lagHistory = []
            c.loop.utilizationHistory = []
        }
        func new<T>(_ kept: [T], total: Int?, before: Int?) -> [T] {
            guard let total, let before else { return kept }
            let count = total >= before ? total - before : kept.count  // a total that went back: a new app
            return Array(kept.suffix(min(kept.count, count)))
        }
        n.log = new(node.log, total: node.logTotal, before: previous?.logTotal)
        n.events = new(node.events, total: node.eventsTotal, before: previous?.eventsTotal)
        n.stalls = new(node.stalls, total: node.stallsTotal, before: previous?.stallsTotal)
        c.node = n
    }

    /// Values a Node frame's rebuilt lag and utilization histories hold (one a probe interval).
    static let nodeHistoryValues = 120

    /// Frame `index` (0 is the oldest kept) whole: histories and log read
    /// back from the frames before it, as far as the last statistics reset.
    public func frame(at index: Int) -> Snapshot {
        precondition(entries.indices.contains(index))
        var s = entries[index].snapshot
        var lag: [Double] = [], util: [Double] = [], depth: [Double] = []
        var activity: [Int: [Double]] = [:]
        let ids = Set(s.workers.map(\.id))
        var log: [[EngineEvent]] = []
        var logCount = 0
        var i = index
        var historyDone = false
        while i >= 0, !(historyDone && logCount >= logLength) {
            let e = entries[i].snapshot
            if !historyDone {
                if let v = e.loop.lagHistory.last, lag.count < historyLength { lag.append(v) }
                if let v = e.loop.utilizationHistory.last, util.count < historyLength { util.append(v) }
                if let v = e.queue.depthHistory.last, depth.count < historyLength { depth.append(v) }
                for w in e.workers where ids.contains(w.id) {
                    if let v = w.activity.last, activity[w.id, default: []].count < historyLength { activity[w.id, default: []].append(v) }
                }
                // The histories start again at a reset, and are never longer than their length.
                // A Node frame's move once an interval: counted in values, not frames.
                if entries[i].delta?.reset == true || (s.node == nil ? index - i + 1 >= historyLength : lag.count >= Self.nodeHistoryValues) {
                    historyDone = true
                }
            }
            if logCount < logLength, !e.log.isEmpty {
                log.append(e.log)
                logCount += e.log.count
            }
            i -= 1
        }
        s.loop.lagHistory = lag.reversed()
        s.loop.utilizationHistory = util.reversed()
        s.queue.depthHistory = depth.reversed()
        for w in s.workers.indices { s.workers[w].activity = SampleHistory((activity[s.workers[w].id] ?? []).reversed()) }
        let events = log.reversed().flatMap { $0 }
        s.log = Array(events.suffix(logLength))
        if s.node != nil { s.node = node(at: index) }
        return s
    }

    /// Frame `index`'s Node figures whole: its output lines, events and
    /// stalls read back from the frames before it, as many as a live frame keeps.
    func node(at index: Int) -> NodeSnapshot? {
        guard var n = entries[index].snapshot.node else { return nil }
        var log: [[String]] = [], events: [[NodeSnapshot.Event]] = [], stalls: [[NodeSnapshot.Stall]] = []
        var logCount = 0, eventCount = 0, stallCount = 0
        var i = index
        while i >= 0, logCount < NodeAppModel.maxLog || eventCount < NodeAppModel.maxEvents || stallCount < NodeAppModel.stallsShown {
            guard let e = entries[i].snapshot.node else { break }
            if logCount < NodeAppModel.maxLog, !e.log.isEmpty { log.append(e.log); logCount += e.log.count }
            if eventCount < NodeAppModel.maxEvents, !e.events.isEmpty { events.append(e.events); eventCount += e.events.count }
            if stallCount < NodeAppModel.stallsShown, !e.stalls.isEmpty { stalls.append(e.stalls); stallCount += e.stalls.count }
            i -= 1
        }
        n.log = Array(log.reversed().flatMap { $0 }.suffix(NodeAppModel.maxLog))
        n.events = Array(events.reversed().flatMap { $0 }.suffix(NodeAppModel.maxEvents))
        n.stalls = Array(stalls.reversed().flatMap { $0 }.suffix(NodeAppModel.stallsShown))
        return n
    }

    /// The index of the newest frame taken at or before engine time `time`.
    public func index(atOrBefore time: UInt64) -> Int? {
        var lo = 0, hi = entries.count - 1, found: Int?
        while lo <= hi {
            let mid = (lo + hi) / 2
            if entries[mid].snapshot.time <= time { found = mid; lo = mid + 1 } else { hi = mid - 1 }
        }
        return found
    }
}
