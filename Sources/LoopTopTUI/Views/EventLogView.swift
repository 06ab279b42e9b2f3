import LoopTopEngine

/// The last events, oldest at the top, each with its time: spawns, exits,
/// failures, rejections, control changes. Repeats fold into one line (see
/// ``LogLine``). Focused (`l`), it takes the table's place, in a box, and
/// scrolls back over everything the UI has kept.
enum EventLogView {
    static func render(_ canvas: Canvas, frame: Frame) {
        guard canvas.rows > 0 else { return }
        let lines = frame.foldedLog
        for (i, line) in lines.suffix(canvas.rows).enumerated() {
            render(line, on: canvas.line(i), frame: frame)
        }
    }

    /// The focused log: a box over `canvas`, scrolled `frame.state.logScroll` lines back from the newest.
    static func renderFocused(_ canvas: Canvas, frame: Frame) {
        let lines = frame.foldedLog
        let visible = max(0, canvas.rows - 2)
        let back = min(frame.state.logScroll, max(0, lines.count - visible))
        let end = lines.count - back
        let start = max(0, end - visible)
        let g = frame.glyphs
        var note = "\(Units.count(frame.events.count)) events"
        if start > 0 || back > 0 {
            note = (start > 0 ? "\(g.up)\(start) " : "") + (back > 0 ? "\(g.down)\(back) " : "") + note
        }
        let inside = Box(title: "Events", note: note, borderStyle: .title).render(canvas)
        guard inside.rows > 0 else { return }
        for (i, line) in lines[start..<end].enumerated() {
            render(line, on: inside.line(i), frame: frame)
        }
        if lines.isEmpty {
            TextLine(" no events yet", .dim).render(inside.line(0))
        }
    }

    /// Lines the focused log shows in `rows` (what a page scrolls by).
    static func focusedRows(_ rows: Int) -> Int { max(1, rows - 2) }

    static func render(_ line: LogLine, on canvas: Canvas, frame: Frame) {
        TextLine([Span(" " + time(of: line.event, frame: frame) + " ", .dim),
                  Span(line.message, Meaning.event(line.event))]).render(canvas)
    }

    /// "12:01:07" (time of day) or "01:23" (since start) of an event.
    static func time(of event: EngineEvent, frame: Frame) -> String {
        let s = frame.snapshot
        let ago = s.time >= event.time ? Double(s.time - event.time) / 1e9 : 0
        if let day = frame.secondsOfDay {
            return Units.clock(secondsOfDay: Int((day - ago).rounded(.down)))
        }
        return Units.uptime(s.uptimeSeconds - ago)
    }
}
