import LoopTopEngine

/// Everything the UI decides for itself: which view, the selection, the
/// help, the freeze. A value; keys change it through ``apply(_:workers:visibleRows:)``.
public struct UIState: Sendable, Equatable {
    public enum View: Sendable, Equatable {
        case main
        /// One worker's detail, by worker id.
        case detail(Int)
    }

    public var view: View = .main
    public var helpVisible = false
    /// The help's page: 0 the keys, 1 the figures (`?` turns it).
    public var helpPage = 0
    /// The display is frozen (the app keeps showing one snapshot).
    public var frozen = false
    public var selection = Selection()
    public var quitRequested = false
    /// The event log has the keys: arrows and pages scroll it.
    public var logFocused = false
    /// Lines the focused log is scrolled back from the newest (0: follows new events).
    public var logScroll = 0
    /// Ended workers are left out of the table.
    public var hideEnded = false
    /// The column the table is sorted by.
    public var sort = WorkerSort.id
    /// The queue panel shows the predicted wait against the arrival rate
    /// instead of its depth graph (`m`).
    public var modelCurve = false

    public init() {}

    /// The worker whose detail is open, if one is.
    public var detailWorker: Int? {
        if case .detail(let id) = view { return id }
        return nil
    }

    /// The table's rows: `workers` without the ended ones if they are
    /// hidden, in the order chosen.
    public func tableRows(_ workers: [WorkerSnapshot]) -> [WorkerSnapshot] {
        // The same array when none is hidden: a filtered copy of 1,000 rows every frame showed in perf.
        let shown = hideEnded && workers.contains(where: { !$0.state.isLive }) ? workers.filter { $0.state.isLive } : workers
        return sort == .id ? shown : shown.sorted { a, b in
            let (x, y) = (sort.key(a), sort.key(b))
            return x != y ? x > y : a.id < b.id
        }
    }

    /// Applies `action`, given the workers shown now and how many rows the
    /// table shows (or the focused log, when it has the keys); returns the
    /// command to send to the engine, if any.
    public mutating func apply(_ action: Action, workers: [WorkerSnapshot], visibleRows: Int) -> Command? {
        if helpVisible {
            // The help is modal: `?` turns its page, any other key closes it; only quit still acts.
            if action == .toggleHelp {
                helpPage = (helpPage + 1) % 2
                return nil
            }
            helpVisible = false
            helpPage = 0
            if action == .quit { quitRequested = true }
            return nil
        }
        if logFocused, view == .main {
            switch action {
            case .moveSelection(let delta): logScroll = max(0, logScroll - delta); return nil
            case .page(let pages): logScroll = max(0, logScroll - pages * max(1, visibleRows)); return nil
            case .selectFirst: logScroll = Int.max / 2; return nil
            case .selectLast: logScroll = 0; return nil
            case .back, .toggleLogFocus, .openDetail: logFocused = false; return nil
            default: break
            }
        }
        let ids = tableRows(workers).map(\.id)
        selection.sync(to: ids)
        switch action {
        case .command(let command):
            return command
        case .terminateSelected:
            return .terminate(worker: liveSelection(workers))
        case .faultSelected:
            return .injectFault(worker: liveSelection(workers))
        case .toggleFreeze:
            frozen.toggle()
        case .toggleHelp:
            helpVisible = true
        case .moveSelection(let delta):
            selection.move(by: delta, in: ids, visible: visibleRows)
        case .page(let pages):
            selection.move(by: pages * max(1, visibleRows), in: ids, visible: visibleRows)
        case .selectFirst:
            selection.selectFirst(in: ids, visible: visibleRows)
        case .selectLast:
            selection.selectLast(in: ids, visible: visibleRows)
        case .openDetail:
            if selection.workerID == nil { selection.selectFirst(in: ids, visible: visibleRows) }
            if let id = selection.workerID { view = .detail(id) }
        case .back:
            if view != .main {
                view = .main
            } else {
                selection.workerID = nil
            }
        case .quit:
            quitRequested = true
        case .toggleLogFocus:
            if view == .main {
                logFocused = true
                logScroll = 0
            }
        case .toggleEnded:
            hideEnded.toggle()
            selection.sync(to: tableRows(workers).map(\.id))
        case .toggleModelCurve:
            modelCurve.toggle()
        case .cycleSort:
            sort = sort.next
            selection.sync(to: tableRows(workers).map(\.id))
            selection.keepVisible(count: tableRows(workers).count, visible: visibleRows)
        case .lessonNext, .lessonPrevious, .lessonTogglePause, .reloadSpec, .cycleTheme:
            // Acted on by the app, which owns the lesson player, the spec file and the screen.
            break
        }
        if case .detail = view, let id = selection.workerID { view = .detail(id) }
        return nil
    }

    /// Keeps the selection and the scroll consistent with the workers shown
    /// and the rows the table has now (after a resize, or workers leaving).
    public mutating func fit(workers: [WorkerSnapshot], visibleRows: Int) {
        let ids = tableRows(workers).map(\.id)
        selection.sync(to: ids)
        selection.keepVisible(count: ids.count, visible: visibleRows)
        if case .detail = view {
            if let id = selection.workerID { view = .detail(id) } else { view = .main }
        }
    }

    /// Keeps the focused log's scroll within its `lines`, `visible` at a time.
    public mutating func fitLog(lines: Int, visible: Int) {
        logScroll = min(logScroll, max(0, lines - max(1, visible)))
    }

    /// The selected worker if it can still be acted on; nil asks the engine for the newest.
    private func liveSelection(_ workers: [WorkerSnapshot]) -> Int? {
        guard let id = selection.workerID, let worker = workers.first(where: { $0.id == id }),
              worker.state.isLive, worker.state != .stopping else { return nil }
        return id
    }
}

/// What the workers table is sorted by (`s` cycles): id ascending, the
/// others largest first (ties by id).
public enum WorkerSort: String, Sendable, CaseIterable {
    case id, state, done, busy, cpuPerWall = "CPU/WALL", wait, switches = "CSW/S"

    var next: WorkerSort {
        let all = Self.allCases
        return all[(all.firstIndex(of: self)! + 1) % all.count]
    }

    /// The column's title, as the table heads it.
    public var title: String { rawValue.uppercased() }

    func key(_ w: WorkerSnapshot) -> Double {
        switch self {
        case .id: -Double(w.id)
        // Working first, then idle, starting, stopping, ended.
        case .state:
            switch w.state {
            case .running: 5
            case .idle: 4
            case .starting: 3
            case .stopping: 2
            default: w.state.isLive ? 1 : 0
            }
        case .done: Double(w.jobsDone)
        // An ended worker by its whole life, as its row shows it.
        case .busy: w.state.isLive ? w.busy : w.busyTotal
        case .cpuPerWall: w.state.isLive ? w.cpuPerWall : w.cpuPerWallTotal
        case .wait: w.sched?.runqueueWait ?? -1
        case .switches: w.sched.map { $0.voluntarySwitchesPerSecond + $0.involuntarySwitchesPerSecond } ?? -1
        }
    }
}
