import LoopTopEngine

/// Figures as the dashboard prints them: short, with units, never "nan".
public enum Units {
    /// A duration given in ms: "0.31 ms", "1.2 ms", "812 ms", "1.25 s".
    public static func ms(_ ms: Double) -> String {
        guard ms.isFinite, ms > 0 else { return "0 ms" }
        return formatMs(UInt64(min(ms, 9.0e9) * 1e6))
    }

    /// A duration without the space before the unit, for tight columns: "812ms".
    public static func msTight(_ ms: Double) -> String {
        Units.ms(ms).replacingOccurrences(" ", with: "")
    }

    /// A count in at most six characters: "1204", "123.5k", "4.56M", "45.6M".
    public static func count(_ n: UInt64) -> String {
        if n < 100_000 { return String(n) }
        if n < 1_000_000 { return String(format1: Double(n) / 1e3, digits: 1) + "k" }
        if n < 10_000_000 { return String(format1: Double(n) / 1e6, digits: 2) + "M" }
        if n < 100_000_000 { return String(format1: Double(n) / 1e6, digits: 1) + "M" }
        if n < 1_000_000_000 { return String(format1: Double(n) / 1e6, digits: 0) + "M" }
        return String(format1: Double(n) / 1e9, digits: 1) + "G"
    }

    public static func count(_ n: Int) -> String { count(UInt64(max(0, n))) }

    /// A share 0…1 as a whole percentage: "96%".
    public static func percent(_ fraction: Double) -> String {
        guard fraction.isFinite else { return "0%" }
        return "\(Int((max(0, fraction) * 100).rounded()))%"
    }

    /// A rate per second: "40", "0.5", "1.2k".
    public static func rate(_ perSecond: Double) -> String {
        guard perSecond.isFinite, perSecond > 0 else { return "0" }
        if perSecond < 10 { return String(format1: perSecond, digits: perSecond == perSecond.rounded() ? 0 : 1) }
        if perSecond < 10_000 { return String(Int(perSecond.rounded())) }
        return String(format1: perSecond / 1000, digits: 1) + "k"
    }

    /// A ratio with two decimals: "0.51".
    public static func ratio(_ value: Double) -> String {
        guard value.isFinite else { return "0.00" }
        return String(format1: value, digits: 2)
    }

    /// A span in words, for sentences: "second", "12 s", "3 min", "2 h".
    public static func duration(seconds: Double) -> String {
        let s = Int(max(0, seconds.isFinite ? seconds : 0).rounded())
        if s <= 1 { return "second" }
        if s < 120 { return "\(s) s" }
        if s < 7200 { return "\(s / 60) min" }
        return "\(s / 3600) h"
    }

    /// Context switches a second, voluntary/involuntary: "3/85".
    public static func switches(_ rates: TaskRates) -> String {
        rate(rates.voluntarySwitchesPerSecond) + "/" + rate(rates.involuntarySwitchesPerSecond)
    }

    /// A window's length as a label: "last 5 s", "last minute".
    public static func window(_ seconds: Double) -> String {
        let s = Int(max(0, seconds.isFinite ? seconds : 0).rounded())
        if s == 60 { return "last minute" }
        return s < 120 ? "last \(s) s" : "last \(s / 60) min"
    }

    /// Seconds since start as "1:02:03" or "02:03".
    public static func uptime(_ seconds: Double) -> String {
        let s = Int(max(0, seconds.isFinite ? seconds : 0))
        let two = { (n: Int) in n < 10 ? "0\(n)" : "\(n)" }
        if s >= 3600 { return "\(s / 3600):\(two(s / 60 % 60)):\(two(s % 60))" }
        return "\(two(s / 60)):\(two(s % 60))"
    }

    /// A time of day as "12:01:07", from seconds since midnight.
    public static func clock(secondsOfDay: Int) -> String {
        let s = ((secondsOfDay % 86_400) + 86_400) % 86_400
        let two = { (n: Int) in n < 10 ? "0\(n)" : "\(n)" }
        return "\(two(s / 3600)):\(two(s / 60 % 60)):\(two(s % 60))"
    }
}

extension String {
    /// Every occurrence of `target` replaced (without Foundation).
    func replacingOccurrences(_ target: Character, with replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
