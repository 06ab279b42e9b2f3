/// The bottom line: the keys that matter in the view shown.
enum FooterView {
    static func render(_ canvas: Canvas, frame: Frame) {
        let g = frame.glyphs
        let hints: [(String, String)]
        if frame.state.helpVisible {
            hints = [("any key", "closes the help"), ("q", "quit")]
        } else if frame.state.detailWorker != nil {
            hints = [("Esc", "back"), ("\(g.up)\(g.down)", "worker"), ("-", "terminate"), ("x", "fault"),
                     ("+", "spawn"), ("b", "mode"), ("z", frame.state.frozen ? "unfreeze" : "freeze")]
        } else if let lesson = frame.lesson {
            hints = [("n", "next step"), ("p", "previous"), ("space", lesson.paused ? "resume lesson" : "pause lesson"),
                     ("+", "spawn"), ("-", "terminate"), ("b", "mode"), ("w", "workload"), ("[ ]", "size"),
                     ("{ }", "rate"), ("z", frame.state.frozen ? "unfreeze" : "freeze"), ("?", "help")]
        } else {
            hints = [("+", "spawn"), ("-", "terminate"), ("b", "mode"), ("w", "workload"), ("[ ]", "size"),
                     ("{ }", "rate"), ("space", frame.snapshot.settings.paused ? "resume" : "pause"),
                     ("z", frame.state.frozen ? "unfreeze" : "freeze"), ("\(g.up)\(g.down)", "select"),
                     (g.enter, "detail"), ("B", "burst"), ("x", "fault"), ("r", "reset")]
        }
        var spans: [Span] = [Span(" ")]
        var used = 1
        for (key, label) in hints where KeyMap.shows(key, for: frame.capabilities) {
            let width = TextWidth.width(of: key) + 1 + TextWidth.width(of: label) + 2
            // Whole hints only: a cut-off key is worse than a missing one.
            if used + width - 2 > canvas.cols { break }
            spans += [Span(key, .key), Span(" " + label + "  ", .dim)]
            used += width
        }
        TextLine(spans).render(canvas)
    }
}
