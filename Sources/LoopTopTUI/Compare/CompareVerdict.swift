import LoopTopEngine

/// The bottom line of the comparison, in words with the figures:
/// "requests wait 48× longer blocking: p99 162 ms vs 3.4 ms".
///
/// It compares the two sides' request latency p99 over the recent window
/// (the one the panels show); with no requests served, the loop lag p99.
enum CompareVerdict {
    /// Under this ratio the two sides are called "about the same".
    static let sameBelow = 1.5

    /// The line that fits `cols`: the full sentence, or a shorter one.
    static func line(_ frame: CompareFrame, cols: Int) -> TextLine {
        let full = line(frame)
        if full.width <= cols { return full }
        return line(frame, short: true)
    }

    static func line(_ frame: CompareFrame, short: Bool = false) -> TextLine {
        let l = frame.left.loop, r = frame.right.loop
        let requests = l.requestLatency.count > 0 && r.requestLatency.count > 0
        let (a, b) = requests ? (l.requestLatency.p99, r.requestLatency.p99) : (l.lag.p99, r.lag.p99)
        let what = requests ? "requests wait" : "the loop is late"
        let figure = requests ? "p99" : "lag p99"
        let times = frame.glyphs == .unicode ? "×" : "x"
        guard a > 0 || b > 0 else { return TextLine("no requests or lag measured yet", .dim) }
        let leftWorse = a >= b
        let (worse, better) = leftWorse ? (a, b) : (b, a)
        let ratio = better > 0 ? worse / better : .infinity
        let figures = short ? " \(Units.ms(a)) vs \(Units.ms(b))" : " \(figure) \(Units.ms(a)) vs \(Units.ms(b))"
        guard ratio >= sameBelow else {
            return TextLine([Span("\(what) about as long on both sides:", .text), Span(figures, .dim)])
        }
        let factor = ratio.isFinite ? (ratio >= 10 ? String(Int(ratio.rounded())) : String(format1: ratio, digits: 1)) : "far"
        let name = frame.name(left: leftWorse)
        let style: Style = worse >= Meaning.lagCriticalMs ? .critical : worse >= Meaning.lagWarnMs ? .warn : .text
        let mark = ratio.isFinite ? times : ""
        let wording = short ? "\(name) \(factor)\(mark) longer:"
            : requests ? "\(what) \(factor)\(mark) longer \(name):" : "\(what) \(factor)\(mark) more \(name):"
        return TextLine([Span(wording, style), Span(figures, .dim)])
    }
}
