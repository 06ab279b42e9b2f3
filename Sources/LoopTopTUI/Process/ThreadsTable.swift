import LoopTopEngine

/// The threads of a watched process, one row each, in the chosen order,
/// the selected row marked with ">" and scrolled to stay shown.
enum ThreadsTable {
    enum Column: CaseIterable {
        case marker, tid, name, state, cpu, wait, voluntary, involuntary, activity

        var title: String {
            switch self {
            case .marker: ""
            case .tid: "TID"
            case .name: "NAME"
            case .state: "STATE"
            case .cpu: "CPU"
            case .wait: "WAIT"
            case .voluntary: "VCSW/s"
            case .involuntary: "ICSW/s"
            case .activity: "ACTIVITY"
            }
        }

        var width: Int {
            switch self {
            case .marker: 1
            case .tid: 7
            case .name: 15
            case .state: 9
            case .cpu: 4
            case .wait: 4
            case .voluntary, .involuntary: 6
            case .activity: 8
            }
        }

        /// Lower goes first when the width runs out.
        var priority: Int {
            switch self {
            case .marker, .tid, .cpu: 0
            case .name: 1
            case .wait: 2
            case .state: 3
            case .involuntary: 4
            case .activity: 5
            case .voluntary: 6
            }
        }

        var alignment: TextWidth.Alignment {
            switch self {
            case .tid, .cpu, .wait, .voluntary, .involuntary: .right
            default: .left
            }
        }
    }

    static func columns(width: Int) -> [(Column, Int)] {
        var chosen = Set<Column>()
        var used = -1
        for column in Column.allCases.sorted(by: { $0.priority < $1.priority }) {
            let cost = column.width + 1
            if used + cost <= width { chosen.insert(column); used += cost }
        }
        var widths = Dictionary(uniqueKeysWithValues: chosen.map { ($0, $0.width) })
        if chosen.contains(.activity) { widths[.activity]! += max(0, width - used) }
        return Column.allCases.compactMap { c in widths[c].map { (c, $0) } }
    }

    static func render(_ canvas: Canvas, frame: ProcessFrame) {
        let threads = frame.threads
        let visible = max(0, canvas.rows - 3)
        var selection = frame.state.selection
        let ids = threads.map { Int($0.tid) }
        selection.sync(to: ids)
        selection.keepVisible(count: ids.count, visible: visible)
        let offset = selection.offset
        var note = "by \(frame.state.sort.rawValue) \(frame.state.sort == .tid || frame.state.sort == .name ? "" : frame.glyphs.down)"
        if threads.count > visible && visible > 0 {
            let last = min(threads.count, offset + visible)
            note += "  \(offset + 1)-\(last) of \(threads.count)"
        }
        let inside = Box(title: "Threads", note: note).render(canvas)
        guard inside.rows > 0, inside.cols > 0 else { return }
        let columns = columns(width: inside.cols)
        // Only the rows shown are built: a process may have thousands of threads.
        let shown = threads.isEmpty ? [] : Array(threads[min(offset, threads.count)..<min(threads.count, offset + max(0, inside.rows - 1))])
        let rows = shown.map { row($0, columns: columns, selected: Int($0.tid) == selection.workerID, frame: frame) }
        Table(columns: columns.map { Table.Column($0.0.title, width: $0.1, alignment: $0.0.alignment) },
              rows: rows, offset: 0).render(inside)
    }

    static func row(_ t: ThreadSnapshot, columns: [(Column, Int)], selected: Bool, frame: ProcessFrame) -> Table.Row {
        let none = frame.glyphs.none
        let cells: [Table.Cell] = columns.map { column, width in
            switch column {
            case .marker:
                return selected ? .text(">", .selection) : .empty
            case .tid:
                return .text(String(t.tid), .text)
            case .name:
                return .text(t.name, t.startedDuringWatch ? .ok : .text)
            case .state:
                return .text(t.state, stateStyle(t.state))
            case .cpu:
                return .text(Units.ratio(t.cpu), t.cpu < 0.005 ? .dim : .text)
            case .wait:
                guard let wait = t.runqueueWait else { return .text(none, .dim) }
                return .text(Units.percent(wait), wait >= 0.5 ? .critical : wait >= 0.2 ? .warn : wait < 0.005 ? .dim : .text)
            case .voluntary:
                return .text(Units.rate(t.voluntarySwitchesPerSecond), t.voluntarySwitchesPerSecond < 0.5 ? .dim : .text)
            case .involuntary:
                return .text(Units.rate(t.involuntarySwitchesPerSecond), t.involuntarySwitchesPerSecond < 0.5 ? .dim : .text)
            case .activity:
                guard !t.activity.isEmpty else { return .empty }
                return .sparkline(Sparkline(t.activity, maxValue: 1, samplesPerCell: 1, reduce: .mean,
                                            ink: Meaning.activityInk))
            }
        }
        return Table.Row(cells, highlighted: selected)
    }

    static func stateStyle(_ state: String) -> Style {
        switch state {
        case "running": .ok
        case "disk wait", "stopped", "traced": .warn
        case "zombie", "dead": .critical
        default: .dim
        }
    }
}
