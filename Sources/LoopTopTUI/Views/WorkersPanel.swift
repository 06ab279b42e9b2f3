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
        let workers = s.workers
        let visible = max(0, canvas.rows - 3)
        var selection = frame.state.selection
        selection.sync(to: workers.map(\.id))
        selection.keepVisible(count: workers.count, visible: visible)
        let offset = selection.offset
        var note = ""
        if workers.count > visible && visible > 0 {
            let last = min(workers.count, offset + visible)
            let more = workers.count - last
            note = "\(offset + 1)–\(last) of \(workers.count)" + (more > 0 ? " \(frame.glyphs.down)\(more)" : "")
            if frame.glyphs != .unicode { note = note.replacingOccurrences("–", with: "-") }
        } else if s.liveWorkers != workers.count {
            note = "\(s.liveWorkers) live, \(workers.count - s.liveWorkers) ended"
        }
        let inside = Box(title: "Workers", note: note).render(canvas)
        guard inside.rows > 0, inside.cols > 0 else { return }
        let idWidth = String(workers.map(\.id).max() ?? 0).count
        let columns = columns(width: inside.cols, idWidth: idWidth)
        let rows = workers.map { worker in
            row(worker, columns: columns, selected: worker.id == selection.workerID, frame: frame)
        }
        let table = Table(columns: columns.map { Table.Column($0.0.title, width: $0.1, alignment: $0.0.alignment) },
                          rows: rows, offset: offset)
        table.render(inside)
        if workers.isEmpty, inside.rows >= 2 {
            TextLine([Span("no workers: ", .dim), Span("+", .key), Span(" spawns one", .dim)]).render(inside.line(1))
        }
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
                return .text(Units.percent(w.busy), w.busy < 0.005 ? .dim : .text)
            case .cpuPerWall:
                guard w.busy >= 0.01, w.cpuPerWall > 0 else { return .text(none, .dim) }
                return .text(Units.ratio(w.cpuPerWall), Meaning.cpuPerWall(w.cpuPerWall))
            case .activity:
                guard !w.activity.isEmpty else { return .empty }
                return .sparkline(Sparkline(w.activity, maxValue: 1, samplesPerCell: frame.samplesPerCell(width: width),
                                            reduce: .mean, ink: w.state.isLive ? Meaning.activityInk : .fixed(.dim)))
            }
        }
        return Table.Row(cells, highlighted: selected)
    }
}
