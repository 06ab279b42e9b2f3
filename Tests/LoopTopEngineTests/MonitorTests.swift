@testable import LoopTopEngine
import Testing

@Suite struct MonitorTests {
    @Test func windowSummaryIsExact() {
        var window = TimedWindow(span: 1_000_000_000)
        for i in 1...100 { window.add(UInt64(i) * 1_000_000, at: UInt64(i)) }
        let summary = window.summary()
        #expect(summary.count == 100)
        #expect(summary.p50 == 50)
        #expect(summary.p99 == 99)
        #expect(summary.max == 100)
    }

    @Test func windowForgetsOldSamplesAndKeepsRecentMax() {
        var window = TimedWindow(span: 1_000)
        window.add(500, at: 0)
        window.add(7, at: 900)
        window.add(9, at: 1_500)
        #expect(window.max(since: 0) == 500)
        window.expire(now: 1_850)
        #expect(window.count == 2)
        #expect(window.max(since: 1_000) == 9)
        #expect(window.summary().max == 9.0 / 1e6)
        // Kept while the window is unchanged, made again when it moves.
        #expect(window.summary().max == 9.0 / 1e6)
        window.add(40, at: 1_900)
        #expect(window.summary().max == 40.0 / 1e6 && window.summary().count == 3)
        window.expire(now: 2_000_000)
        #expect(window.summary() == .empty)
    }

    @Test func emptyWindowSummarisesToZero() {
        var window = TimedWindow(span: 10)
        #expect(window.summary() == .empty)
    }

    /// A 200 ms stall twice a second among 5 ms probes: the p99 of samples can
    /// miss it, the recent max cannot.
    @Test func recentMaxSeesWhatP99Hides() {
        var window = TimedWindow(span: 5_000_000_000)
        var t: UInt64 = 0
        for i in 0..<1_000 {
            t += 5_000_000
            window.add(i % 500 == 0 ? 200_000_000 : 100_000, at: t)
        }
        #expect(window.summary().p99 < 1)
        #expect(window.max(since: t - 5_000_000_000) == 200_000_000)
    }

    @Test func histogramSummaryInMilliseconds() {
        var histogram = LatencyHistogram()
        for ms in 1...100 { histogram.record(nanos: UInt64(ms) * 1_000_000) }
        let summary = histogram.summarize()
        #expect(summary.count == 100)
        // Two significant digits: within 1 %.
        #expect(abs(summary.p50 - 50) <= 0.5)
        #expect(abs(summary.p99 - 99) <= 1)
        #expect(abs(summary.max - 100) <= 1)
    }

    @Test func formattingReadsLikePeopleWrite() {
        #expect(formatMs(812_000_000) == "812 ms")
        #expect(formatMs(1_250_000_000) == "1.25 s")
        #expect(formatMs(420_000) == "0.42 ms")
        #expect(formatMs(3_400_000) == "3.4 ms")
        #expect(String(format1: -0.004, digits: 2) == "0.00")
        #expect(String(format1: 2.5, digits: 0) == "3")
    }

    @Test func manualClockMoves() {
        let clock = ManualClock(start: 10)
        clock.advance(byMillis: 1)
        #expect(clock.now() == 1_000_010)
    }
}
