/// Share of wall time the event loop was late by more than 10, 50 and 100 ms.
///
/// A timer is late by N ms once it is N ms past due: a probe due at t that
/// fires at t + 200 ms was late by more than 50 ms from t + 50 to t + 200, so
/// that stall adds 150 ms to `over50ms`. Sample percentiles of a 1 ms probe
/// hide such a stall (one sample among hundreds); this share does not.
public struct LateShare: Sendable, Equatable, Codable {
    /// Each 0…1 of the span it covers.
    public var over10ms = 0.0
    public var over50ms = 0.0
    public var over100ms = 0.0

    public init(over10ms: Double = 0, over50ms: Double = 0, over100ms: Double = 0) {
        self.over10ms = over10ms
        self.over50ms = over50ms
        self.over100ms = over100ms
    }

    public static let zero = LateShare()
}

/// Late time in ns past each threshold, summed; a pure value fed with lag samples.
struct LateNanos: Equatable {
    static let thresholds: (UInt64, UInt64, UInt64) = (10_000_000, 50_000_000, 100_000_000)
    var over10: UInt64 = 0
    var over50: UInt64 = 0
    var over100: UInt64 = 0

    /// The late time of one timer that fired `lag` ns past due, counted only
    /// from `notBefore` on (the start of a window): the part of
    /// [due + threshold, firedAt] that lies at or after `notBefore`.
    static func of(lag: UInt64, firedAt: UInt64, notBefore: UInt64 = 0) -> LateNanos {
        let due = firedAt &- lag
        func past(_ threshold: UInt64) -> UInt64 {
            guard lag > threshold else { return 0 }
            let from = Swift.max(due &+ threshold, notBefore)
            return firedAt > from ? firedAt - from : 0
        }
        return LateNanos(over10: past(thresholds.0), over50: past(thresholds.1), over100: past(thresholds.2))
    }

    static func + (a: LateNanos, b: LateNanos) -> LateNanos {
        LateNanos(over10: a.over10 &+ b.over10, over50: a.over50 &+ b.over50, over100: a.over100 &+ b.over100)
    }

    /// `a − b`, never below zero.
    static func - (a: LateNanos, b: LateNanos) -> LateNanos {
        func sub(_ x: UInt64, _ y: UInt64) -> UInt64 { x > y ? x - y : 0 }
        return LateNanos(over10: sub(a.over10, b.over10), over50: sub(a.over50, b.over50),
                         over100: sub(a.over100, b.over100))
    }

    /// As shares of `span` ns (0…1).
    func share(of span: UInt64) -> LateShare {
        guard span > 0 else { return .zero }
        let s = Double(span)
        return LateShare(over10ms: Swift.min(1, Double(over10) / s), over50ms: Swift.min(1, Double(over50) / s),
                         over100ms: Swift.min(1, Double(over100) / s))
    }
}
