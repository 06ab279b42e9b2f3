import LoopTopEngine

/// The last events, oldest at the top, each with its time: spawns, exits,
/// failures, rejections, control changes.
enum EventLogView {
    static func render(_ canvas: Canvas, frame: Frame) {
        guard canvas.rows > 0 else { return }
        let events = frame.snapshot.log.suffix(canvas.rows)
        for (i, event) in events.enumerated() {
            TextLine([Span(" " + time(of: event, frame: frame) + " ", .dim),
                      Span(event.message, Meaning.event(event))]).render(canvas.line(i))
        }
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
