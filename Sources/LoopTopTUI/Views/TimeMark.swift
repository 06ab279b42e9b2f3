import LoopTopEngine

/// The header's words for where in time a frame is: `REPLAY 01:12 / 04:30`
/// (with the speed when it is not 1, and PAUSED or END), `REWIND −12.3 s`.
public enum TimeMark {
    public static func replay(_ p: PlaybackPosition) -> String {
        var mark = "REPLAY \(clock(p.elapsed)) / \(clock(p.total))"
        if p.speed != 1 { mark += " " + speed(p.speed) }
        if !p.playing { mark += p.index == p.count - 1 ? " END" : " PAUSED" }
        return mark
    }

    /// `seconds` behind live.
    public static func rewind(_ seconds: Double) -> String {
        "REWIND \u{2212}\(String(format1: max(0, seconds), digits: 1)) s"
    }

    /// mm:ss (minutes go past 59: 75:03).
    public static func clock(_ seconds: Double) -> String {
        let s = max(0, Int(seconds.isFinite ? seconds.rounded(.down) : 0))
        let mm = s / 60, ss = s % 60
        return (mm < 10 ? "0" : "") + "\(mm):" + (ss < 10 ? "0" : "") + "\(ss)"
    }

    static func speed(_ x: Double) -> String {
        x >= 1 ? "\u{00D7}\(Int(x))" : "\u{00D7}1/\(Int((1 / x).rounded()))"
    }
}
