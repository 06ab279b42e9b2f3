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

    /// The summary merges arrivals and departures into the sorted values it
    /// kept: after any mix of adds, expiries, the limit, compaction and a
    /// reset it must equal a sort of what the window holds.
    @Test func windowSummaryMergedEqualsSortedAfterAnyMoves() {
        var window = TimedWindow(span: 1_000_000, limit: 3_000)
        var rng = SystemRandomNumberGenerator()
        var kept: [(at: UInt64, value: UInt64)] = []
        var t: UInt64 = 0
        for step in 0..<2_000 {
            for _ in 0..<Int.random(in: 0...(step % 97 == 0 ? 400 : 12), using: &rng) {
                t += UInt64.random(in: 0...2_000, using: &rng)
                // Few distinct values, so equal values leave and arrive together.
                let value = UInt64.random(in: 1...50, using: &rng) * 1_000_000
                window.add(value, at: t)
                kept.append((t, value))
            }
            if kept.count > 3_000 { kept.removeFirst(kept.count - 3_000) }
            t += UInt64.random(in: 0...20_000, using: &rng)
            window.expire(now: t)
            kept.removeAll { $0.at < t - min(t, 1_000_000) }
            if step == 1_500 { window.reset(); kept.removeAll() }
            let sorted = kept.map(\.value).sorted()
            let summary = window.summary()
            #expect(summary.count == UInt64(sorted.count))
            if let last = sorted.last {
                func at(_ p: Double) -> Double {
                    Double(sorted[min(max(Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1, 0), sorted.count - 1)]) / 1e6
                }
                #expect(summary.p50 == at(50) && summary.p99 == at(99) && summary.max == Double(last) / 1e6,
                        "step \(step): \(summary) against \(sorted.count) values")
            } else {
                #expect(summary == .empty)
            }
        }
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

/// Issue #14: idle workers settle (their rows move on without their windows),
/// and a settled row is what a full step makes of the same readings.
struct SettledWorkerTests {
    static let ms: UInt64 = 1_000_000

    /// Three workers over 40 s at 10 steps a second: one runs a 30 ms job
    /// every 7 s, one never runs, one runs a job every 300 ms; the /proc
    /// figures change once a second. One monitor settles idle workers, the
    /// other steps every worker whole.
    @Test func settledRowsAreWhatFullStepsMake() {
        var settling = Monitor(start: 0, windowSeconds: 5, historyLength: 60)
        var full = Monitor(start: 0, windowSeconds: 5, historyLength: 60)
        full.settlesIdleWorkers = false
        var done = [0: UInt64(0), 1: 0, 2: 0]
        var busy = [0: UInt64(0), 1: 0, 2: 0]
        var settledSteps = 0
        var jobID: UInt64 = 0
        for step in 1...400 {
            let now = UInt64(step) * 100 * Self.ms
            var r = EngineReadings(now: now)
            r.schedVersion = UInt64(step / 10)
            for id in 0..<3 {
                let every: UInt64? = id == 0 ? 70 : id == 2 ? 3 : nil
                var current: RunningJob?
                if let every, UInt64(step) % every == 0 {
                    // A job ran 30 ms and ended before this step.
                    jobID += 1
                    done[id]! += 1
                    busy[id]! += 30 * Self.ms
                    let job = JobRecord(id: jobID, workload: "spin", mode: .offloaded, outcome: .completed, workerID: id,
                                        submittedAt: now - 40 * Self.ms, startedAt: now - 35 * Self.ms,
                                        finishedAt: now - 5 * Self.ms, reason: nil)
                    r.events.append(EngineEvent(time: now - 5 * Self.ms, kind: .jobFinished, workerID: id, job: job))
                } else if let every, UInt64(step + 1) % every == 0 {
                    current = RunningJob(id: jobID + 1, workload: "spin", mode: .offloaded, targetMs: 30, startedAt: now - 10 * Self.ms)
                }
                r.workers.append(EngineReadings.Worker(
                    id: id, name: "looptop-w\(id)", tid: Int32(100 + id), state: current == nil ? .idle : .running,
                    stopRequested: false, current: current, progress: nil, jobsDone: done[id]!, jobsFailed: 0,
                    busyNanos: busy[id]!, spawnedAt: 0, readyAt: Self.ms, endedAt: nil, endReason: nil,
                    cpu: busy[id]! + UInt64(current == nil ? 0 : 10) * Self.ms))
                r.sched[Int32(100 + id)] = EngineReadings.SchedFigures(
                    ThreadFigures(tid: Int32(100 + id), recent: TaskRates(cpu: Double(step / 10) / 100, runqueueWait: nil,
                                                                          voluntarySwitchesPerSecond: 1, involuntarySwitchesPerSecond: 0)))
            }
            let a = settling.step(r, closingInterval: step % 10 == 0)
            let b = full.step(r, closingInterval: step % 10 == 0)
            settledSteps += settling.tracks.values.filter { $0.settled != nil }.count
            for (x, y) in zip(a.workers, b.workers) {
                // The one difference allowed: a full step's window starts at
                // its first sample in the window, a settled worker's at the
                // window's start, up to one step (2 % of 5 s) earlier.
                #expect(abs(x.busy - y.busy) <= 0.021 * max(x.busy, y.busy) + 1e-12, "step \(step) worker \(x.id)")
                #expect(abs(x.cpuPerWall - y.cpuPerWall) <= 1e-9, "step \(step) worker \(x.id)")
                var xs = x, ys = y
                xs.busy = 0; ys.busy = 0
                #expect(xs == ys, "step \(step) worker \(x.id): \(x) against \(y)")
            }
        }
        // The idle worker settles for good, the every-7-s one between its jobs.
        #expect(settledSteps > 400 + 100, "settled \(settledSteps) worker-steps")
    }
}
