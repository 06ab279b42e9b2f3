/// How a recorded frame (format version 2) writes its worker rows: a row
/// already in the line before is written as its id and the figures that
/// changed since then; an unchanged row is not written at all; a new
/// worker's row is written whole. A reader carries the rows of the line
/// before forward and applies the changes. With 64 busy workers most of a
/// frame was rows that had not changed, or had changed in a few figures
/// (61 KB a frame, 3.1 % of a core to write, `looptop bench`).
///
/// A frame whose rows cannot be told this way (workers out of the order
/// the line before leaves them in) is written with its rows whole inside
/// the snapshot, as in version 1.
enum RecordedRows {
    /// The ids of `before` no longer in `rows`, and `rows` split into rows
    /// changed in place and new rows at the end; nil when `rows` are not in
    /// that order (the frame is written whole).
    static func split(_ rows: [WorkerSnapshot], before: [WorkerSnapshot])
        -> (gone: [Int], changed: [RowChange], new: [WorkerSnapshot])? {
        var index: [Int: Int] = [:]
        index.reserveCapacity(before.count)
        for (i, row) in before.enumerated() {
            guard index.updateValue(i, forKey: row.id) == nil else { return nil }  // an id twice: write whole
        }
        var seen = Set<Int>()
        seen.reserveCapacity(rows.count)
        var changed: [RowChange] = []
        var new: [WorkerSnapshot] = []
        var lastKept = -1
        for row in rows {
            guard seen.insert(row.id).inserted else { return nil }
            if let i = index[row.id] {
                // Kept rows stay in the order they had, and come before new ones.
                guard new.isEmpty, i > lastKept else { return nil }
                lastKept = i
                if row != before[i] { changed.append(RowChange(row: row, before: before[i])) }
            } else {
                new.append(row)
            }
        }
        let gone = before.lazy.map(\.id).filter { !seen.contains($0) }
        return (Array(gone), changed, new)
    }

    /// The rows of a frame from the line before's, the ids gone, the
    /// changes and the new rows. Throws when a change names a row the line
    /// before does not have.
    static func rebuild(before: [WorkerSnapshot], gone: [Int], changed: [RowPatch],
                        new: [WorkerSnapshot]) throws -> [WorkerSnapshot] {
        let goneSet = Set(gone)
        var rows = before.filter { !goneSet.contains($0.id) }
        var index: [Int: Int] = [:]
        for (i, row) in rows.enumerated() { index[row.id] = i }
        for patch in changed {
            guard let i = index[patch.id] else {
                throw RecordingError(message: "a changed row for worker \(patch.id), which the line before does not have")
            }
            patch.apply(to: &rows[i])
        }
        for row in new where index[row.id] != nil {
            throw RecordingError(message: "a new row for worker \(row.id), which the line before already has")
        }
        return rows + new
    }
}

/// The coding keys of a worker row: the names ``WorkerSnapshot`` codes its fields by.
enum RowKey: String, CodingKey, CaseIterable {
    case id, name, tid, state, currentJob, progress, elapsedMs, jobsDone, jobsFailed, busy, cpuPerWall, cpuMs,
         startupMs, endReason, activity, recentJobs, sched, schedTotal, busyTotal, cpuPerWallTotal,
         runHistogram, run
}

/// A row as written: its id and each figure that differs from `before`
/// (an optional figure that became nil is written as null).
struct RowChange: Encodable {
    let row: WorkerSnapshot
    let before: WorkerSnapshot

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: RowKey.self)
        try c.encode(row.id, forKey: .id)
        func put<T: Encodable & Equatable>(_ key: RowKey, _ field: (WorkerSnapshot) -> T) throws {
            let value = field(row)
            if value != field(before) { try c.encode(value, forKey: key) }
        }
        try put(.name) { $0.name }
        try put(.tid) { $0.tid }
        try put(.state) { $0.state }
        try put(.currentJob) { $0.currentJob }
        try put(.progress) { $0.progress }
        try put(.elapsedMs) { $0.elapsedMs }
        try put(.jobsDone) { $0.jobsDone }
        try put(.jobsFailed) { $0.jobsFailed }
        try put(.busy) { $0.busy }
        try put(.cpuPerWall) { $0.cpuPerWall }
        try put(.cpuMs) { $0.cpuMs }
        try put(.startupMs) { $0.startupMs }
        try put(.endReason) { $0.endReason }
        try put(.activity) { $0.activity }
        try put(.recentJobs) { $0.recentJobs }
        try put(.sched) { $0.sched }
        try put(.schedTotal) { $0.schedTotal }
        try put(.busyTotal) { $0.busyTotal }
        try put(.cpuPerWallTotal) { $0.cpuPerWallTotal }
        try put(.runHistogram) { $0.runHistogram }
        try put(.run) { $0.run }
    }
}

extension RowChange {
    /// What ``encode(to:)`` writes, written by hand into `writer` at
    /// `depth` (the containing object's): the same keys, values and order.
    /// Figures of a type of their own (a job, /proc rates, a summary) go
    /// through their own `encode(to:)`.
    func write(into writer: LineEncoder.Writer, depth: Int) throws {
        writer.raw("{\"id\":")
        writer.raw(String(row.id))
        func key(_ key: RowKey) {
            writer.raw(",")
            writer.string(key.stringValue)
            writer.raw(":")
        }
        func double(_ k: RowKey, _ field: (WorkerSnapshot) -> Double) {
            let value = field(row)
            guard value != field(before) || (value.isNaN != field(before).isNaN) else { return }
            key(k)
            writer.double(value)
        }
        func optionalDouble(_ k: RowKey, _ field: (WorkerSnapshot) -> Double?) {
            let value = field(row)
            guard value != field(before) else { return }
            key(k)
            if let value { writer.double(value) } else { writer.raw("null") }
        }
        func count(_ k: RowKey, _ field: (WorkerSnapshot) -> UInt64) {
            let value = field(row)
            guard value != field(before) else { return }
            key(k)
            writer.raw(String(value))
        }
        func value<T: Encodable & Equatable>(_ k: RowKey, _ field: (WorkerSnapshot) -> T) throws {
            let value = field(row)
            guard value != field(before) else { return }
            key(k)
            try value.encode(to: LineEncoder.Node(writer: writer, depth: depth))
            writer.close(to: depth)
        }
        if row.name != before.name { key(.name); writer.string(row.name) }
        if row.tid != before.tid { key(.tid); writer.raw(String(row.tid)) }
        try value(.state) { $0.state }
        try value(.currentJob) { $0.currentJob }
        optionalDouble(.progress) { $0.progress }
        double(.elapsedMs) { $0.elapsedMs }
        count(.jobsDone) { $0.jobsDone }
        count(.jobsFailed) { $0.jobsFailed }
        double(.busy) { $0.busy }
        double(.cpuPerWall) { $0.cpuPerWall }
        double(.cpuMs) { $0.cpuMs }
        optionalDouble(.startupMs) { $0.startupMs }
        if row.endReason != before.endReason {
            key(.endReason)
            if let reason = row.endReason { writer.string(reason) } else { writer.raw("null") }
        }
        if row.activity != before.activity {
            key(.activity)
            writer.raw("[")
            for (i, v) in row.activity.enumerated() {
                if i > 0 { writer.raw(",") }
                writer.double(v)
            }
            writer.raw("]")
        }
        try value(.recentJobs) { $0.recentJobs }
        try value(.sched) { $0.sched }
        try value(.schedTotal) { $0.schedTotal }
        double(.busyTotal) { $0.busyTotal }
        double(.cpuPerWallTotal) { $0.cpuPerWallTotal }
        try value(.runHistogram) { $0.runHistogram }
        try value(.run) { $0.run }
        writer.raw("}")
    }
}

/// A row as read: its id and the figures written, applied over the row
/// of the line before.
struct RowPatch: Decodable {
    let id: Int
    private var changes: [(inout WorkerSnapshot) -> Void] = []

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: RowKey.self)
        id = try c.decode(Int.self, forKey: .id)
        var changes: [(inout WorkerSnapshot) -> Void] = []
        func take<T: Decodable>(_ key: RowKey, _ set: @escaping (inout WorkerSnapshot, T) -> Void) throws {
            guard c.contains(key) else { return }
            let value = try c.decode(T.self, forKey: key)
            changes.append { set(&$0, value) }
        }
        try take(.name) { (w, v: String) in w.name = v }
        try take(.tid) { (w, v: Int32) in w.tid = v }
        try take(.state) { (w, v: WorkerState) in w.state = v }
        try take(.currentJob) { (w, v: RunningJob?) in w.currentJob = v }
        try take(.progress) { (w, v: Double?) in w.progress = v }
        try take(.elapsedMs) { (w, v: Double) in w.elapsedMs = v }
        try take(.jobsDone) { (w, v: UInt64) in w.jobsDone = v }
        try take(.jobsFailed) { (w, v: UInt64) in w.jobsFailed = v }
        try take(.busy) { (w, v: Double) in w.busy = v }
        try take(.cpuPerWall) { (w, v: Double) in w.cpuPerWall = v }
        try take(.cpuMs) { (w, v: Double) in w.cpuMs = v }
        try take(.startupMs) { (w, v: Double?) in w.startupMs = v }
        try take(.endReason) { (w, v: String?) in w.endReason = v }
        try take(.activity) { (w, v: SampleHistory) in w.activity = v }
        try take(.recentJobs) { (w, v: [JobRecord]) in w.recentJobs = v }
        try take(.sched) { (w, v: TaskRates?) in w.sched = v }
        try take(.schedTotal) { (w, v: TaskRates?) in w.schedTotal = v }
        try take(.busyTotal) { (w, v: Double) in w.busyTotal = v }
        try take(.cpuPerWallTotal) { (w, v: Double) in w.cpuPerWallTotal = v }
        try take(.runHistogram) { (w, v: [HistogramBar]) in w.runHistogram = v }
        try take(.run) { (w, v: LatencySummary) in w.run = v }
        self.changes = changes
    }

    func apply(to row: inout WorkerSnapshot) {
        for change in changes { change(&row) }
    }
}

/// One frame line as the recorder writes it: the kept frame, with its
/// worker rows as changes when the line before lets them be told so.
struct RecordedLine: Encodable {
    let entry: Timeline.Entry
    let rows: (gone: [Int], changed: [RowChange], new: [WorkerSnapshot])?

    /// The line for `entry`, whose rows follow `before` (the line before's; nil: none).
    init(entry: Timeline.Entry, rowsBefore before: [WorkerSnapshot]?) {
        self.entry = entry
        let rows = entry.snapshot.workers
        if let before, !(before.isEmpty && rows.isEmpty) {
            self.rows = RecordedRows.split(rows, before: before)
        } else {
            self.rows = nil
        }
    }

    enum Key: String, CodingKey { case snapshot, delta, rows, new, gone }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        guard let rows else {
            try c.encode(entry.snapshot, forKey: .snapshot)
            try c.encodeIfPresent(entry.delta, forKey: .delta)
            return
        }
        var snapshot = entry.snapshot
        snapshot.workers = []
        try c.encode(snapshot, forKey: .snapshot)
        try c.encodeIfPresent(entry.delta, forKey: .delta)
        if let node = encoder as? LineEncoder.Node {
            // Straight into the line's bytes: through Codable's generic
            // containers each row cost more than all the rest of the frame.
            let writer = node.writer
            let depth = node.depth + 1
            writer.element(at: depth, key: Key.rows.stringValue)
            writer.raw("[")
            for (i, change) in rows.changed.enumerated() {
                if i > 0 { writer.raw(",") }
                try change.write(into: writer, depth: depth)
            }
            writer.raw("]")
        } else {
            try c.encode(rows.changed, forKey: .rows)
        }
        if !rows.new.isEmpty { try c.encode(rows.new, forKey: .new) }
        if !rows.gone.isEmpty { try c.encode(rows.gone, forKey: .gone) }
    }
}

/// One frame line as read: version 1 lines, and version 2 lines whose
/// rows are whole, have no `rows`; the others are rebuilt from the line before.
struct RecordedLineIn: Decodable {
    var snapshot: Snapshot
    var delta: ScopeDelta?
    var rows: [RowPatch]?
    var new: [WorkerSnapshot]?
    var gone: [Int]?

    /// The kept frame, its rows rebuilt over `before` (the line before's rows).
    func entry(rowsBefore before: [WorkerSnapshot]) throws -> Timeline.Entry {
        guard let rows else { return Timeline.Entry(snapshot: snapshot, delta: delta) }
        guard snapshot.workers.isEmpty else {
            throw RecordingError(message: "worker rows both whole and as changes")
        }
        var s = snapshot
        s.workers = try RecordedRows.rebuild(before: before, gone: gone ?? [], changed: rows, new: new ?? [])
        return Timeline.Entry(snapshot: s, delta: delta)
    }
}
