import LoopTopEngine

/// Draws a whole frame: the main view or a worker's detail, the help over
/// either, or the size message. Reads the frame, writes only the screen.
public enum DashboardRenderer {
    /// Clears `screen` and draws `frame` on it (the caller presents it).
    public static func render(_ frame: Frame, on screen: any Screen) {
        screen.clear()
        let canvas = Canvas(screen: screen, glyphs: frame.glyphs)
        let size = screen.size
        let layout = layout(frame, size: size)
        guard layout.kind != .tooSmall else {
            SizeMessage.render(canvas, size: size)
            return
        }
        if let id = frame.state.detailWorker {
            HeaderView.render(canvas.sub(layout.header), frame: frame)
            let body = Rect(row: 1, col: 0, rows: size.rows - 2, cols: size.cols)
            WorkerDetailView.render(canvas.sub(body), frame: frame, workerID: id)
            FooterView.render(canvas.sub(layout.footer), frame: frame)
        } else {
            renderMain(canvas, layout: layout, frame: frame)
        }
        if frame.state.helpVisible {
            HelpOverlay.render(canvas.sub(Rect(row: 1, col: 0, rows: size.rows - 2, cols: size.cols)), frame: frame)
        }
    }

    static func renderMain(_ canvas: Canvas, layout: DashboardLayout, frame: Frame) {
        HeaderView.render(canvas.sub(layout.header), frame: frame)
        if let lesson = frame.lesson, !layout.lesson.isEmpty {
            if layout.kind == .full {
                LessonPanel.render(canvas.sub(layout.lesson), status: lesson)
            } else {
                LessonPanel.renderLine(canvas.sub(layout.lesson), status: lesson)
            }
        }
        switch layout.kind {
        case .full:
            LoopPanel.render(canvas.sub(layout.loop), frame: frame)
            if let node = frame.snapshot.node {
                NodePanels.blockers(canvas.sub(layout.queue), node: node)
            } else {
                QueuePanel.render(canvas.sub(layout.queue), frame: frame)
            }
        case .compact:
            CompactSummary.render(canvas.sub(layout.loop), frame: frame)
        case .tooSmall:
            break
        }
        if frame.state.logFocused {
            EventLogView.renderFocused(canvas.sub(focusedLog(layout)), frame: frame)
        } else {
            if let node = frame.snapshot.node, layout.workers.rows >= 9 {
                // A Node app's workers are few; its output gets the rest.
                let tableRows = min(layout.workers.rows - 4, max(5, frame.snapshot.workers.count + 4))
                let (table, output) = layout.workers.splitTop(tableRows)
                WorkersPanel.render(canvas.sub(table), frame: frame)
                NodePanels.output(canvas.sub(output), node: node)
            } else {
                WorkersPanel.render(canvas.sub(layout.workers), frame: frame)
            }
            WarningsView.render(canvas.sub(layout.warnings), frame: frame)
            EventLogView.render(canvas.sub(layout.log), frame: frame)
        }
        FooterView.render(canvas.sub(layout.footer), frame: frame)
    }

    /// Where each part of `frame`'s main view goes at `size`.
    public static func layout(_ frame: Frame, size: Size) -> DashboardLayout {
        let lessonRows = frame.lesson.map { LessonPanel.desiredRows($0, cols: size.cols) } ?? 0
        return DashboardLayout.main(size: size, warnings: frame.warningLines,
                                    workers: frame.state.tableRows(frame.snapshot.workers).count, lesson: lessonRows)
    }

    /// Where the focused event log goes: over the table, the warnings and the log.
    static func focusedLog(_ layout: DashboardLayout) -> Rect {
        let w = layout.workers
        let bottom = [layout.warnings, layout.log].filter { $0.rows > 0 }.map { $0.row + $0.rows }.max() ?? (w.row + w.rows)
        return Rect(row: w.row, col: w.col, rows: max(w.rows, bottom - w.row), cols: w.cols)
    }

    /// Lines of events the focused log shows for `frame` at `size` (what a page scrolls by).
    public static func focusedLogRows(size: Size, frame: Frame) -> Int {
        EventLogView.focusedRows(focusedLog(layout(frame, size: size)).rows)
    }

    /// Rows of workers the main view's table shows at `size`: what paging
    /// and scrolling move by.
    public static func workerRows(size: Size, snapshot: Snapshot) -> Int {
        DashboardLayout.main(size: size, warnings: snapshot.warnings.count, workers: snapshot.workers.count).workerRows
    }

    /// Rows of workers the table shows for `frame` (its lesson and notices included).
    public static func workerRows(size: Size, frame: Frame) -> Int { layout(frame, size: size).workerRows }
}
