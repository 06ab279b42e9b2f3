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
    /// The display is frozen (the app keeps showing one snapshot).
    public var frozen = false
    public var selection = Selection()
    public var quitRequested = false

    public init() {}

    /// The worker whose detail is open, if one is.
    public var detailWorker: Int? {
        if case .detail(let id) = view { return id }
        return nil
    }

    /// Applies `action`, given the workers shown now and how many rows the
    /// table shows; returns the command to send to the engine, if any.
    public mutating func apply(_ action: Action, workers: [WorkerSnapshot], visibleRows: Int) -> Command? {
        if helpVisible {
            // The help is modal: any key closes it; only quit still acts.
            helpVisible = false
            if action == .quit { quitRequested = true }
            return nil
        }
        let ids = workers.map(\.id)
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
        let ids = workers.map(\.id)
        selection.sync(to: ids)
        selection.keepVisible(count: ids.count, visible: visibleRows)
        if case .detail = view {
            if let id = selection.workerID { view = .detail(id) } else { view = .main }
        }
    }

    /// The selected worker if it can still be acted on; nil asks the engine for the newest.
    private func liveSelection(_ workers: [WorkerSnapshot]) -> Int? {
        guard let id = selection.workerID, let worker = workers.first(where: { $0.id == id }),
              worker.state.isLive, worker.state != .stopping else { return nil }
        return id
    }
}
