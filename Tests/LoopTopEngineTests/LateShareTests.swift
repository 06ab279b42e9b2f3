@testable import LoopTopEngine
import Testing

/// Issue 11 point 3: lag percentiles hide blocking; the late share does not.
@Suite struct LateShareTests {
    @Test func aTimerLateBy200msAdds150msPast50() {
        let late = LateNanos.of(lag: 200_000_000, firedAt: 1_000_000_000)
        #expect(late.over10 == 190_000_000)
        #expect(late.over50 == 150_000_000)
        #expect(late.over100 == 100_000_000)
        #expect(LateNanos.of(lag: 9_000_000, firedAt: 1_000_000_000) == LateNanos())
    }

    @Test func lateTimeBeforeTheWindowIsNotCounted() {
        // Due at 800 ms, fired at 1000 ms: late past 50 ms from 850; the window starts at 900.
        let late = LateNanos.of(lag: 200_000_000, firedAt: 1_000_000_000, notBefore: 900_000_000)
        #expect(late.over50 == 100_000_000)
        #expect(late.over100 == 100_000_000)
    }

    /// 1 ms probe samples with a 200 ms stall twice a second: p99 stays small,
    /// over_50ms reads 0.3 of the time.
    static func blockingRun(seconds: Int, into monitor: inout Monitor, from start: UInt64) -> UInt64 {
        var t = start
        for _ in 0..<seconds {
            for _ in 0..<2 {
                // 300 ms of 1 ms probes that fire on time, then a 200 ms job on the loop.
                for _ in 0..<300 {
                    t += 1_000_000
                    monitor.absorb(LoopSample(kind: .lag, at: t, value: 20_000))
                }
                t += 200_000_000
                monitor.absorb(LoopSample(kind: .lag, at: t, value: 200_000_000))
            }
        }
        return t
    }

    @Test func blockingTwiceASecondReadsAbout0point3Over50ms() {
        let start: UInt64 = 1_000_000_000
        var monitor = Monitor(start: start, windowSeconds: 5, historyLength: 10)
        let end = Self.blockingRun(seconds: 10, into: &monitor, from: start)
        let total = monitor.total.figures(now: end, busy: 0)
        #expect(total.lag.p99 < 1)
        #expect(abs(total.lateShare.over50ms - 0.3) < 0.01)
        #expect(abs(total.lateShare.over100ms - 0.2) < 0.01)
        monitor.lagWindow.expire(now: end)
        let recent = monitor.lateShare(now: end, stall: 0)
        #expect(abs(recent.over50ms - 0.3) < 0.02)
    }

    @Test func onTimeProbesReadZero() {
        var monitor = Monitor(start: 0, windowSeconds: 5, historyLength: 10)
        for i in 1...1000 { monitor.absorb(LoopSample(kind: .lag, at: UInt64(i) * 1_000_000, value: 300_000)) }
        #expect(monitor.total.figures(now: 1_000_000_000, busy: 0).lateShare == .zero)
        #expect(monitor.lateShare(now: 1_000_000_000, stall: 0) == .zero)
    }

    /// A stall that spans two intervals: each reports its own part, and the
    /// whole run the sum, once.
    @Test func aStallAcrossIntervalsIsCountedOnce() {
        var monitor = Monitor(start: 0, windowSeconds: 5, historyLength: 10)
        // Probe due at 0.5 s; the loop blocks until 1.7 s. Snapshot at 1.0 s, mid-stall.
        let due: UInt64 = 500_000_000
        var now: UInt64 = 1_000_000_000
        var late = monitor.lateInProgressForInterval(now: now, probeDue: due, stall: now - due)
        let first = monitor.interval.figures(now: now, busy: 0, lateInProgress: late.interval)
        #expect(abs(first.lateShare.over50ms - 0.45) < 1e-9)
        #expect(abs(monitor.lateShare(now: now, stall: now - due).over50ms - 0.45) < 1e-9)
        monitor.interval = ScopeFigures(start: now, busy: 0)
        // The probe fires at 1.7 s, 1.2 s late.
        now = 1_700_000_000
        monitor.absorb(LoopSample(kind: .lag, at: now, value: now - due))
        now = 2_000_000_000
        late = monitor.lateInProgressForInterval(now: now, probeDue: 2_001_000_000, stall: 0)
        let second = monitor.interval.figures(now: now, busy: 0, lateInProgress: late.interval)
        // Late past 50 ms from 0.55 s to 1.7 s: 0.45 s in the first interval, 0.7 s in the second.
        #expect(abs(second.lateShare.over50ms - 0.7) < 1e-9)
        let total = monitor.total.figures(now: now, busy: 0, lateInProgress: late.total)
        #expect(abs(total.lateShare.over50ms - 1.15 / 2) < 1e-9)
    }
}
