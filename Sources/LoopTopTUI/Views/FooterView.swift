/// The bottom line: the keys that matter in the view shown.
enum FooterView {
    static func render(_ canvas: Canvas, frame: Frame) {
        let g = frame.glyphs
        var hints: [(String, String)]
        if frame.state.helpVisible {
            hints = [("?", frame.state.helpPage == 0 ? "figures" : "keys"), ("any key", "closes the help"), ("q", "quit")]
        } else if frame.state.logFocused && frame.state.detailWorker == nil {
            hints = [("\(g.up)\(g.down)", "scroll"), ("PgUp PgDn", "page"), ("Home End", "oldest / newest"),
                     ("Esc", "back"), ("z", frame.state.frozen ? "unfreeze" : "freeze"), ("?", "help")]
        } else if frame.state.detailWorker != nil {
            hints = [("Esc", "back"), ("\(g.up)\(g.down)", "worker"), ("-", "terminate"), ("x", "fault"),
                     ("+", "spawn"), ("b", "mode"), ("z", frame.state.frozen ? "unfreeze" : "freeze")]
        } else if let lesson = frame.lesson {
            hints = [("n", "next step"), ("p", "previous"), ("space", lesson.paused ? "resume lesson" : "pause lesson"),
                     ("+", "spawn"), ("-", "terminate"), ("b", "mode"), ("w", "workload"), ("[ ]", "size"),
                     ("{ }", "rate"), ("z", frame.state.frozen ? "unfreeze" : "freeze"), ("l", "log"), ("?", "help")]
        } else {
            hints = [("+", "spawn"), ("-", "terminate"), ("b", "mode"), ("w", "workload"), ("[ ]", "size"),
                     ("{ }", "rate"), ("space", frame.snapshot.settings.paused ? "resume" : "pause"),
                     ("z", frame.state.frozen ? "unfreeze" : "freeze"), ("\(g.up)\(g.down)", "select"),
                     (g.enter, "detail"), ("l", "log"), ("s", "sort"), ("e", "ended"), ("B", "burst"), ("x", "fault"),
                     ("r", "reset")]
        }
        // Keys the source cannot take are not offered; a replay's and the rewind's own come first.
        hints = hints.filter { KeyMap.shows($0.0, for: frame.capabilities) }
        if frame.capabilities.contains(.seek), !frame.state.helpVisible {
            hints = [("space", "play/pause"), ("\(g.left) \(g.right)", "frame"), ("[ ]", "10 s"), ("< >", "speed")] + hints
        } else if frame.timeMark != nil, !frame.state.helpVisible {
            hints = [("\(g.left) \(g.right)", "frame"), ("End", "live")] + hints
        }
        var spans: [Span] = [Span(" ")]
        var used = 1
        for (key, label) in hints {
            let width = TextWidth.width(of: key) + 1 + TextWidth.width(of: label) + 2
            // Whole hints only: a cut-off key is worse than a missing one.
            if used + width - 2 > canvas.cols { break }
            spans += [Span(key, .key), Span(" " + label + "  ", .dim)]
            used += width
        }
        TextLine(spans).render(canvas)
    }
}
