import LoopTopEngine

/// The lesson's own panel: its title and step, the caption word-wrapped, how
/// far the step has come (or what it waits for), and how the last step's
/// check went.
///
/// ```
/// ┌ Lesson: The blocked loop · step 2/3 ─────────────────────────────────┐
/// │ The same jobs now run on the loop (blocking). Each holds every timer │
/// │ and request for 200 ms: lag max and request p99 jump to about 200 ms.│
/// │ ▶ waiting until lag_max > 150 and request_p99 > 100  2.1 s (timeout 10 s) │
/// │ step 1 ok  lag_p99 0.41 < 50  request_p99 0.92 < 50                  │
/// └──────────────────────────────────────────────────────────────────────┘
/// ```
///
/// Short of rows it keeps the first caption line, then the progress, then
/// the result; under the full layout it is one line (``renderLine``).
enum LessonPanel {
    /// Rows the boxed panel would like at `cols` columns, border included.
    static func desiredRows(_ status: LessonStatus, cols: Int) -> Int {
        2 + captionLines(status, cols: max(1, cols - 4)).count + 1 + (status.last != nil ? 1 : 0)
    }

    /// The fewest rows the boxed panel takes: its border and one line.
    static let minimumRows = 3

    static func render(_ canvas: Canvas, status: LessonStatus) {
        let g = canvas.glyphs
        let title = "Lesson: \(status.title) \(g.separator) step \(status.step)/\(status.steps)"
        let inside = Box(title: title, note: status.finished ? "complete" : "", noteStyle: .ok, padding: 1).render(canvas)
        guard inside.rows > 0, inside.cols > 0 else { return }
        var caption = captionLines(status, cols: inside.cols)
        var tail: [TextLine] = [progressLine(status, cols: inside.cols, glyphs: g)]
        if let last = status.last { tail.append(resultLine(last)) }
        // Short of rows: the first caption line stays, then the progress, then the result.
        while tail.count > 0 && inside.rows < 1 + tail.count { tail.removeLast() }
        let captionRows = max(0, inside.rows - tail.count)
        if caption.count > captionRows, captionRows > 0 {
            let rest = caption[(captionRows - 1)...].joined(separator: " ")
            caption = Array(caption.prefix(captionRows - 1))
                + [TextWidth.truncate(rest, to: inside.cols, ellipsis: g.ellipsis)]
            // The cut line must end with the ellipsis even when it fits.
            if let lastLine = caption.last, !lastLine.hasSuffix(String(g.ellipsis)) {
                caption[caption.count - 1] = TextWidth.truncate(lastLine + String(g.ellipsis), to: inside.cols, ellipsis: g.ellipsis)
            }
        }
        let captionStyle: Style = status.finished ? (status.failed == 0 ? .ok : .critical) : .text
        for (i, line) in caption.prefix(captionRows).enumerated() {
            TextLine(line, captionStyle).render(inside.line(i))
        }
        let first = min(caption.count, captionRows)
        for (i, line) in tail.enumerated() { line.render(inside.line(first + i)) }
    }

    /// The lesson in one line, for the compact layout: step, pause, caption.
    static func renderLine(_ canvas: Canvas, status: LessonStatus) {
        var spans = [Span(" lesson \(status.step)/\(status.steps) ", .title)]
        if status.paused { spans += [Span(" PAUSED ", Style(.warn, [.bold, .reverse])), Span(" ")] }
        if status.finished {
            spans.append(Span(completion(status), status.failed == 0 ? .ok : .critical))
        } else {
            spans.append(Span(status.caption, .text))
        }
        TextLine(spans).render(canvas.line(0))
    }

    static func captionLines(_ status: LessonStatus, cols: Int) -> [String] {
        if status.finished { return TextWidth.wrap(completion(status), to: cols) }
        let lines = TextWidth.wrap(status.caption, to: cols)
        return lines.isEmpty ? [""] : lines
    }

    static func completion(_ status: LessonStatus) -> String {
        "lesson complete: \(status.passed) passed, \(status.failed) failed"
    }

    static func progressLine(_ status: LessonStatus, cols: Int, glyphs g: Glyphs) -> TextLine {
        var spans: [Span] = status.paused
            ? [Span(" PAUSED ", Style(.warn, [.bold, .reverse])), Span(" ")]
            : [Span(g == .unicode ? "▶ " : "> ", .ok)]
        switch status.progress {
        case .finished:
            return TextLine([Span("p", .key), Span(" plays the last step again  ", .dim), Span("q", .key), Span(" quits", .dim)])
        case .settling(let elapsed, let of):
            spans += [Span("settling ", .text), Span(seconds(elapsed) + " of " + seconds(of, limit: true), .dim),
                      Span("  old work drains before the figures count", .dim)]
        case .timed(let elapsed, let of):
            spans += [Span(seconds(min(elapsed, of)) + " of " + seconds(of, limit: true), .text)]
            let used = TextLine(spans).width
            let gaugeWidth = min(20, cols - used - 2)
            if gaugeWidth >= 5 {
                return GaugeLine(spans: spans, fraction: of > 0 ? elapsed / of : 1, width: gaugeWidth, glyphs: g).textLine
            }
        case .waiting(let until, let elapsed, let timeout):
            spans += [Span("waiting until ", .dim), Span(until, .text),
                      Span("  " + seconds(elapsed) + " (timeout " + seconds(timeout, limit: true) + ")", .dim)]
        }
        return TextLine(spans)
    }

    /// "step 1 ok  lag_p99 0.41 < 50", each figure colored by whether it held.
    static func resultLine(_ last: LessonStatus.Outcome) -> TextLine {
        var spans = [Span("step \(last.step) ", .dim)]
        switch last.verdict {
        case .ok: spans.append(Span("ok", Style(.ok, .bold)))
        case .failed: spans.append(Span(last.ending == "timeout" ? "FAILED (timed out)" : "FAILED", .critical))
        case .skipped: spans.append(Span("skipped with n (not checked)", .dim))
        case .unchecked: spans.append(Span("done (no check)", .dim))
        }
        for figure in last.figures {
            let held = figure.holds
            spans += [Span("  " + figure.metric + " ", .dim),
                      Span(number(figure.value), held ? .ok : .critical),
                      Span(" " + (held ? figure.op : "wanted " + figure.op) + " " + number(figure.target), .dim)]
        }
        return TextLine(spans)
    }

    /// "1.8 s"; a limit (`limit`) that is whole reads "3 s".
    static func seconds(_ s: Double, limit: Bool = false) -> String {
        guard s.isFinite else { return "?" }
        if s >= 10 || (limit && s == s.rounded()) { return String(Int(s.rounded())) + " s" }
        return String(format1: s, digits: 1) + " s"
    }

    /// A figure as a check shows it: three significant digits at most.
    static func number(_ v: Double) -> String {
        guard v.isFinite else { return "n/a" }
        let a = abs(v)
        if a >= 100 || v == v.rounded() { return String(Int(v.rounded())) }
        if a >= 10 { return String(format1: v, digits: 1) }
        return String(format1: v, digits: 2)
    }
}

/// A progress line ending in a gauge.
private struct GaugeLine {
    var spans: [Span]
    var fraction: Double
    var width: Int
    var glyphs: Glyphs

    var textLine: TextLine {
        let f = fraction.isFinite ? min(1, max(0, fraction)) : 0
        let full = Int((f * Double(width)).rounded(.down))
        return TextLine(spans + [Span("  "), Span(String(repeating: String(glyphs.gaugeFull), count: full), .graph),
                                 Span(String(repeating: String(glyphs.gaugeEmpty), count: width - full), .dim)])
    }
}
