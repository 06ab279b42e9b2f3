import LoopTopEngine

/// The workers table: one row per worker, each state its own style, the
/// selected row marked with ">" and highlighted, scrolled to keep it shown.
enum WorkersPanel {
    /// The table's columns, in the order shown.
    enum Column: CaseIterable {
        case marker, id, state, job, elapsed, done, busy, cpuPerWall, activity

        var title: String {
            switch self {
            case .marker: ""
            case .id: "ID"
            case .state: "STATE"
            case .job: "JOB"
            case .elapsed: "ELAPSED"
            case .done: "DONE"
            case .busy: "BUSY"
            case .cpuPerWall: "CPU/WALL"
            case .activity: "ACTIVITY"
            }
        }

        var minimum: Int {
            switch self {
            case .marker: 1
            case .id: 2
            case .state: 8
            case .job: 10
            case .elapsed: 7
            case .done: 6
            case .busy: 4
            case .cpuPerWall: 8
            case .activity: 8
            }
        }

        /// Widest a column grows before the activity graph takes the rest.
        var preferred: Int { self == .job ? 22 : minimum }

        /// Lower goes first when the width runs out.
        var priority: Int {
            switch self {
            case .marker, .id, .state: 0
            case .busy, .activity: 1
            case .job: 2
            case .done: 3
            case .elapsed: 4
            case .cpuPerWall: 5
            }
        }

        var alignment: TextWidth.Alignment {
            switch self {
            case .id, .elapsed, .done, .busy, .cpuPerWall: .right
            default: .left
            }
        }
    }

    /// The columns that fit `width`, with their widths.
    static func columns(width: Int, idWidth: Int = 3) -> [(Column, Int)] {
        func minimum(_ c: Column) -> Int { c == .id ? max(c.minimum, idWidth) : c.minimum }
        var chosen = Set<Column>()
        var used = -1  // n columns have n-1 gaps
        for column in Column.allCases.sorted(by: { $0.priority < $1.priority }) {
            let cost = minimum(column) + 1
            if used + cost <= width { chosen.insert(column); used += cost }
        }
        var widths = Dictionary(uniqueKeysWithValues: chosen.map { ($0, minimum($0)) })
        var spare = max(0, width - used)
        for column in [Column.job] where chosen.contains(column) {
            let grow = min(spare, column.preferred - minimum(column))
            widths[column]! += grow
            spare -= grow
        }
        if chosen.contains(.activity) { widths[.activity]! += spare }
        return Column.allCases.compactMap { c in widths[c].map { (c, $0) } }
    }

    static func render(_ canvas: Canvas, frame: Frame) {
        let s = frame.snapshot
        let state = frame.state
        let workers = state.tableRows(s.workers)
        let visible = max(0, canvas.rows - 3)
        var selection = state.selection
        selection.sync(to: workers.map(\.id))
        selection.keepVisible(count: workers.count, visible: visible)
        let offset = selection.offset
        let ended = s.workers.filter { !$0.state.isLive }.count
        let inside = Box(title: "Workers", note: note(frame: frame, rows: workers.count, visible: visible,
                                                      offset: offset, ended: ended, room: canvas.cols - 14))
            .render(canvas)
        guard inside.rows > 0, inside.cols > 0 else { return }
        let idWidth = String(workers.map(\.id).max() ?? 0).count
        let columns = columns(width: inside.cols, idWidth: idWidth)
        let rows = workers.map { worker in
            row(worker, columns: columns, selected: worker.id == selection.workerID, frame: frame)
        }
        let sorted = state.sort == .id ? nil : state.sort.title
        let table = Table(columns: columns.map { column, width in
            let mark = frame.glyphs == .unicode ? "↓" : "*"
            let title = column.title == sorted && column.title.count < width ? column.title + mark : column.title
            return Table.Column(title, width: width, alignment: column.alignment)
        }, rows: rows, offset: offset)
        table.render(inside)
        if workers.isEmpty, inside.rows >= 2 {
            if s.workers.isEmpty {
                TextLine([Span("no workers: ", .dim), Span("+", .key), Span(" spawns one", .dim)]).render(inside.line(1))
            } else {
                TextLine([Span("\(ended) ended, hidden: ", .dim), Span("e", .key), Span(" shows them", .dim)])
                    .render(inside.line(1))
            }
        }
    }

    /// The box's note: rows scrolled off above and below ("↑3 ↓2", at every
    /// size), then as much as fits of the ended workers and the sort.
    static func note(frame: Frame, rows: Int, visible: Int, offset: Int, ended: Int, room: Int) -> String {
        let g = frame.glyphs
        var parts: [String] = []
        if rows > visible {
            let below = max(0, rows - offset - visible)
            if offset > 0 { parts.append("\(g.up)\(offset)") }
            if below > 0 { parts.append("\(g.down)\(below)") }
        }
        var extra: [String] = []
        if frame.state.hideEnded && ended > 0 {
            extra.append("\(ended) ended hidden")
        } else if ended > 0 {
            extra.append("\(frame.snapshot.liveWorkers) live, \(ended) ended")
        }
        if frame.state.sort != .id { extra.append("by \(frame.state.sort.title)") }
        var note = parts.joined(separator: " ")
        for part in extra {
            let longer = note.isEmpty ? part : note + " · " + part
            if TextWidth.width(of: longer) <= room { note = longer }
        }
        return note
    }

    static func row(_ w: WorkerSnapshot, columns: [(Column, Int)], selected: Bool, frame: Frame) -> Table.Row {
        let none = frame.glyphs.none
        let cells: [Table.Cell] = columns.map { column, width in
            switch column {
            case .marker:
                return selected ? .text(">", .selection) : .empty
            case .id:
                return .text(String(w.id), .text)
            case .state:
                return .text(w.state.description, .state(w.state))
            case .job:
                if let job = w.currentJob {
                    // How far it has got, from the worker's own atomic slot.
                    let done = w.progress.map { " \(Int(($0 * 100).rounded(.down)))%" } ?? ""
                    return .text("#\(job.id) \(job.workload)\(done)", .text)
                }
                if let reason = w.endReason, !w.state.isLive {
                    return .text(reason, w.state == .failed ? .critical : .dim)
                }
                return .text(none, .dim)
            case .elapsed:
                guard let job = w.currentJob else { return .text(none, .dim) }
                // A job running past twice its size is worth a glance (a shared core, a stall).
                return .text(Units.ms(w.elapsedMs), w.elapsedMs > 2 * job.targetMs ? .warn : .text)
            case .done:
                return .text(Units.count(w.jobsDone), .text)
            case .busy:
                // An ended thread is busy with nothing: its last share would stand still.
                guard w.state.isLive else { return .text(none, .dim) }
                return .text(Units.percent(w.busy), w.busy < 0.005 ? .dim : .text)
            case .cpuPerWall:
                guard w.state.isLive, w.busy >= 0.01, w.cpuPerWall > 0 else { return .text(none, .dim) }
                return .text(Units.ratio(w.cpuPerWall), Meaning.cpuPerWall(w.cpuPerWall))
            case .activity:
                if !w.state.isLive {
                    // Its final figures instead of a graph that no longer moves.
                    let failed = w.jobsFailed > 0 ? ", \(Units.count(w.jobsFailed)) failed" : ""
                    return .text("ended: \(Units.count(w.jobsDone)) done\(failed), cpu \(Units.ms(w.cpuMs))", .dim)
                }
                guard !w.activity.isEmpty else { return .empty }
                return .sparkline(Sparkline(w.activity, maxValue: 1, samplesPerCell: frame.samplesPerCell(width: width),
                                            reduce: .mean, ink: Meaning.activityInk))
            }
        }
        return Table.Row(cells, highlighted: selected)
    }
}
