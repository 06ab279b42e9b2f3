#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// The time source the engine reads every timestamp through.
///
/// Times are nanoseconds on a monotonic scale with an arbitrary origin. Tests
/// inject a ``ManualClock`` so timers, windows and rates are deterministic;
/// the program uses ``SystemClock``.
public protocol EngineClock: Sendable {
    /// Nanoseconds on a monotonic scale.
    func now() -> UInt64
}

/// `CLOCK_MONOTONIC`, the clock `pthread_cond_timedwait` waits on here.
public struct SystemClock: EngineClock {
    public init() {}
    @inline(__always)
    public func now() -> UInt64 { monotonicNow() }
}

@inlinable
func monotonicNow() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}

/// A clock that moves only when told to: for tests of timers and windows.
public final class ManualClock: EngineClock {
    private let nanos: Atomic<UInt64>
    public init(start: UInt64 = 1_000_000_000) { nanos = Atomic(start) }
    public func now() -> UInt64 { nanos.load(ordering: .acquiring) }
    public func advance(byNanos delta: UInt64) { nanos.add(delta, ordering: .releasing) }
    public func advance(byMillis ms: Double) { advance(byNanos: UInt64(ms * 1_000_000)) }
    public func set(_ value: UInt64) { nanos.store(value, ordering: .releasing) }
}

/// Nanoseconds in the units people read.
public enum Nanos {
    public static func ms(_ ns: UInt64) -> Double { Double(ns) / 1_000_000 }
    public static func fromMs(_ ms: Double) -> UInt64 {
        guard ms > 0 else { return 0 }
        return ms >= foreverSeconds * 1_000 ? forever : UInt64(ms * 1_000_000)
    }
    /// Clamped to ``forever`` (and NaN to 0): converting an absurd figure
    /// from a flag or a file must not trap (issue #12).
    public static func fromSeconds(_ s: Double) -> UInt64 {
        guard s > 0 else { return 0 }
        return s >= foreverSeconds ? forever : UInt64(s * 1_000_000_000)
    }
    /// About 100 years: far beyond any run, yet adding two never overflows.
    public static let forever: UInt64 = 3_153_600_000 * 1_000_000_000
    static let foreverSeconds = 3_153_600_000.0
}
