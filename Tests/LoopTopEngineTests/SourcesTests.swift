import Foundation
@testable import LoopTopEngine
import Testing

/// Issue #13: the source seam, the pure snapshot step, record and replay.
struct SourcesTests {
    static let second: UInt64 = 1_000_000_000

    static func readings(at now: UInt64, lags: [UInt64] = [], busy: UInt64 = 0, completed: UInt64 = 0) -> EngineReadings {
        var r = EngineReadings(now: now)
        r.busy = busy
        r.counts.submitted = completed
        r.counts.completed = completed
        r.samples = lags.enumerated().map { LoopSample(kind: .lag, at: now &- UInt64(lags.count - $0.offset) * 1_000_000, value: $0.element) }
        return r
    }

    @Test func theStepIsPureAndDeterministic() {
        let clock = ManualClock(start: 10 * Self.second)
        var a = Monitor(start: clock.now(), windowSeconds: 5, historyLength: 4)
        var b = Monitor(start: clock.now(), windowSeconds: 5, historyLength: 4)
        var snaps: [Snapshot] = []
        for i in 1...6 {
            clock.advance(byMillis: 100)
            let r = Self.readings(at: clock.now(), lags: [UInt64(i) * 1_000_000, 200_000], busy: UInt64(i) * 50_000_000,
                                  completed: UInt64(i))
            let sa = a.step(r, closingInterval: i % 3 == 0)
            let sb = b.step(r, closingInterval: i % 3 == 0)
            #expect(sa == sb, "the same readings and time give the same snapshot")
            snaps.append(sa)
        }
        let last = snaps.last!
        // The newest frame's lag is the largest of its tick; histories keep their length.
        #expect(last.loop.lagHistory == [3, 4, 5, 6])
        #expect(last.loop.utilizationHistory.allSatisfy { abs($0 - 0.5) < 1e-9 })
        #expect(last.loop.lag.max == 6)
        #expect(last.jobs.completed == 6)
        // The interval closed at step 3, so it holds steps 4…6: six lag samples.
        #expect(last.interval.lag.count == 6)
        #expect(last.total.lag.count == 12)
        #expect(abs(last.uptimeSeconds - 0.6) < 1e-9)
        // The tick's delta holds exactly its own two samples.
        #expect(a.lastDelta.lag.values.reduce(0) { $0 + $1[1] } == 2)
    }

    @Test func readingASnapshotChangesNothing() {
        var configuration = Engine.Configuration(workers: 0, catalog: TestCatalog.calibrated, clock: ManualClock())
        configuration.samplesPerSecond = 0
        let engine = Engine(configuration: configuration)
        engine.tick()
        let first = engine.snapshot()
        for _ in 0..<5 { _ = engine.snapshot(detailFor: 1) }
        #expect(engine.snapshot() == first)
        #expect(first.loop.lagHistory.count == engine.snapshot().loop.lagHistory.count)
        #expect(engine.tick().loop.lagHistory.count == first.loop.lagHistory.count + 1, "a tick moves it on")
    }

    @Test func theEngineIsASourceThatCanDoEverything() {
        let engine = Engine.forTest(workers: 0)
        #expect(engine.info.kind == .engine)
        #expect(engine.capabilities.contains([.control, .workerDetail, .lessons]))
        #expect(engine.snapshot().source.kind == .engine)
        #expect(engine.send(.setRate(5)).accepted)
    }

    /// A not-started engine on a manual clock, fed samples and events by hand.
    static func fedEngine() -> (Engine, ManualClock) {
        let clock = ManualClock(start: 5 * second)
        var configuration = Engine.Configuration(workers: 0, catalog: TestCatalog.calibrated, clock: clock, historyLength: 50)
        configuration.samplesPerSecond = 0
        return (Engine(configuration: configuration), clock)
    }

    static func feed(_ engine: Engine, _ clock: ManualClock, ticks: Int, record: Recorder?) -> [Snapshot] {
        record?.attach(to: engine)
        var snaps: [Snapshot] = []
        for i in 0..<ticks {
            for k in 0..<10 {
                clock.advance(byMillis: 10)
                _ = engine.samples.push(LoopSample(kind: .lag, at: clock.now(), value: UInt64((i * 7 + k * 13) % 40 + 1) * 100_000))
                _ = engine.samples.push(LoopSample(kind: .request, at: clock.now(), value: UInt64(k + 1) * 50_000))
            }
            if i % 4 == 1 {
                let job = JobRecord(id: UInt64(i), workload: "spin", mode: .offloaded, outcome: i % 8 == 1 ? .failed : .completed,
                                    workerID: nil, submittedAt: clock.now() &- 30_000_000, startedAt: clock.now() &- 20_000_000,
                                    finishedAt: clock.now(), reason: i % 8 == 1 ? "fault" : nil)
                _ = engine.events.push(EngineEvent(time: clock.now(), kind: .jobFinished, job: job))
            }
            if i == 7 { engine.send(.setRate(3)) }
            snaps.append(engine.tick(scopes: false))
        }
        if let record { record.finish(engine) }
        return snaps
    }

    static func temporaryPath(_ name: String) -> String {
        NSTemporaryDirectory() + "looptop-test-\(getpid())-\(name)"
    }

    @Test func recordThenReplayGivesTheSameFrames() throws {
        let (engine, clock) = Self.fedEngine()
        let path = Self.temporaryPath("roundtrip.jsonl")
        defer { unlink(path) }
        let recorder = try Recorder(path: path, historyLength: 50)
        let live = Self.feed(engine, clock, ticks: 30, record: recorder)
        let recording = try RecordingFile.load(path: path)
        #expect(recording.header.format == "looptop-recording")
        #expect(recording.header.machine.cores >= 1)
        #expect(recording.truncation == nil)
        #expect(recording.timeline.count == live.count)
        for (i, original) in live.enumerated() {
            var expected = original
            expected.interval = IntervalFigures()
            expected.total = IntervalFigures()
            #expect(recording.timeline.frame(at: i) == expected, "frame \(i)")
        }
        // Headless replay: the whole-run figures are the live run's.
        var lines: [String] = []
        let summary = HeadlessReplay(interval: 1).run(recording) { lines.append($0) }
        let final = live.last!
        #expect(summary.jobs == HeadlessReport(final, summary: true).jobs)
        #expect(summary.lag_ms == HeadlessReport(final, summary: true).lag_ms)
        #expect(summary.requests.latency_ms == HeadlessReport(final, summary: true).requests.latency_ms)
        #expect(lines.count == 3 + 1, "three 1-s lines of a 3-s recording, then the summary")
    }

    @Test func aRecordingKeepsTenFramesASecondWhateverTheTicks() throws {
        let (engine, clock) = Self.fedEngine()
        let path = Self.temporaryPath("spacing.jsonl")
        defer { unlink(path) }
        let recorder = try Recorder(path: path, framesPerSecond: 10)
        recorder.attach(to: engine)
        for _ in 0..<40 {
            clock.advance(byMillis: 25)
            _ = engine.samples.push(LoopSample(kind: .lag, at: clock.now(), value: 1_000_000))
            engine.tick(scopes: false)
        }
        recorder.finish(engine)
        let recording = try RecordingFile.load(path: path)
        #expect(recording.timeline.count >= 9 && recording.timeline.count <= 12, "\(recording.timeline.count) frames over 1 s")
        // No tick's samples are lost between frames.
        let lags = recording.timeline.entries.compactMap(\.delta).reduce(0) { $0 + $1.lag.values.reduce(0) { $0 + $1[1] } }
        #expect(lags == 40)
    }

    @Test func badRecordingsAreOneLineNamingTheFile() throws {
        let (engine, clock) = Self.fedEngine()
        let path = Self.temporaryPath("good.jsonl")
        defer { unlink(path) }
        _ = Self.feed(engine, clock, ticks: 5, record: try Recorder(path: path))
        let good = try Data(contentsOf: URL(fileURLWithPath: path))
        func problem(_ data: Data) -> String? {
            do { _ = try RecordingFile.parse(data, path: "f.jsonl"); return nil } catch let e as RecordingError { return e.message } catch { return "other" }
        }
        var random = Data(count: 4096)
        for i in random.indices { random[i] = UInt8(truncatingIfNeeded: i &* 2_654_435_761 >> 7) }
        #expect(problem(random)?.hasPrefix("f.jsonl:1: not a looptop recording") == true)
        #expect(problem(Data("hello\n".utf8))?.hasPrefix("f.jsonl:1: not a looptop recording") == true)
        #expect(problem(Data())?.hasPrefix("f.jsonl:1:") == true)
        #expect(problem(Data("{\"format\":\"looptop-recording\",\"version\":99}\n".utf8))?.contains("version 99") == true)
        let lines = good.split(separator: 0x0A)
        #expect(problem(Data(lines[0] + [0x0A])) == "f.jsonl: the recording holds no frames")
        // A broken line in the middle is an error naming it; a cut last line is replayed up to.
        var middle = Data(lines[0] + [0x0A] + lines[1] + [0x0A] + Data("{oops\n".utf8))
        middle.append(Data(lines[2] + [0x0A]))
        #expect(problem(middle) == "f.jsonl:3: not a recorded frame (not JSON)")
        let cut = good.prefix(good.count - 40)
        let recording = try RecordingFile.parse(cut, path: "f.jsonl")
        #expect(recording.timeline.count == lines.count - 2)
        #expect(recording.truncation?.hasPrefix("f.jsonl:\(lines.count): last line is cut short") == true)
        #expect(throws: RecordingError.self) { try RecordingFile.load(path: "/nonexistent/rec.jsonl") }
    }

    @Test func anUnwritableRecordPathIsOneLine() {
        #expect(throws: RecordingError.self) { try Recorder(path: "/proc/looptop-cannot-write/x.jsonl") }
        do { _ = try Recorder(path: "/nonexistent-dir/x.jsonl") } catch let e as RecordingError {
            #expect(e.message.hasPrefix("--record: cannot write '/nonexistent-dir/x.jsonl'"))
        } catch { Issue.record("other error \(error)") }
    }

    @Test func aReplayPlaysPausesStepsAndSaysReadOnly() throws {
        let (engine, clock) = Self.fedEngine()
        let path = Self.temporaryPath("replay.jsonl")
        defer { unlink(path) }
        _ = Self.feed(engine, clock, ticks: 20, record: try Recorder(path: path))
        let wall = ManualClock(start: 100 * Self.second)
        let replay = ReplaySource(recording: try RecordingFile.load(path: path), clock: wall)
        #expect(replay.send(.spawn(count: 1)) == .unsupported("replay: read-only"))
        #expect(!replay.capabilities.contains(.control))
        replay.start()
        let t0 = replay.snapshot().time
        wall.advance(byMillis: 1_000)
        #expect(replay.snapshot().time == t0 + Self.second, "one second later it shows the frame one second on")
        #expect(replay.snapshot().source.kind == .recording)
        replay.seek(.togglePlay)
        let paused = replay.snapshot()
        wall.advance(byMillis: 500)
        #expect(replay.snapshot() == paused)
        replay.seek(.step(-1))
        #expect(replay.snapshot().time == paused.time - 100_000_000)
        replay.seek(.toEnd)
        #expect(replay.playback.index == replay.playback.count - 1)
        #expect(replay.ending != nil)
        replay.seek(.toStart)
        #expect(replay.playback.elapsed == 0)
        replay.seek(.scaleSpeed(2))
        #expect(replay.playback.speed == 2)
    }

    /// What the issue asks to hold: a blocking run recorded and replayed
    /// headless shows the stall and the same completed count.
    @Test func aBlockingRunRecordedAndReplayedShowsTheStallAndTheSameCounts() throws {
        let engine = Engine.forTest(workers: 2, mode: .blocking, workload: "spin", jobMs: 200, rate: 2)
        let path = Self.temporaryPath("blocking.jsonl")
        defer { unlink(path) }
        let recorder = try Recorder(path: path)
        recorder.attach(to: engine)
        var live: [String] = []
        // At least 2.5 s, and on until a job has completed and the loop has
        // stalled behind it (a loaded machine gives the loop a fraction of a
        // core), within a generous bound.
        let started = monotonicNow()
        let summary = HeadlessRunner(interval: 0.5, duration: 60).run(engine: engine, write: { live.append($0) }, wait: { deadline in
            while monotonicNow() < deadline { usleep(10_000) }
            let s = engine.snapshot(detailFor: nil)
            return monotonicNow() - started < 2_500_000_000 || s.jobs.completed < 2
        })
        recorder.finish(engine)
        engine.stop()
        #expect(summary.lag_ms.max >= 150, "live lag max \(summary.lag_ms.max)")
        let recording = try RecordingFile.load(path: path)
        var replayed: [String] = []
        let again = HeadlessReplay(interval: 0.5).run(recording) { replayed.append($0) }
        #expect(again.lag_ms.max >= 150, "replayed lag max \(again.lag_ms.max)")
        #expect(again.jobs == summary.jobs)
        #expect(again.jobs.completed > 0)
        #expect(abs(again.lag_ms.p99 - summary.lag_ms.p99) <= 0.05 * max(1, summary.lag_ms.p99))
        // Conservation on every replayed line, and the same keys as live lines.
        let decoder = JSONDecoder()
        for line in replayed {
            let report = try decoder.decode(HeadlessReport.self, from: Data(line.utf8))
            let j = report.jobs
            #expect(j.submitted == j.queued + j.running + j.completed + j.failed + j.cancelled + j.rejected)
        }
        let keys = { (line: String) -> Set<String> in
            Set(((try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]).keys)
        }
        // `job_run_p50_ms` is left out until a job of the asked size has run,
        // and the first such job can end either side of the first line's
        // interval (under TSan the live line had none and the replayed line
        // one): the other keys must match.
        let optional: Set<String> = ["job_run_p50_ms"]
        #expect(keys(replayed[0]).subtracting(optional) == keys(live[0]).subtracting(optional))
    }

    /// The recording's own encoder writes JSON that Foundation reads back as the same value.
    @Test func theLineEncoderWritesWhatJSONDecoderReads() throws {
        let (engine, clock) = Self.fedEngine()
        _ = engine.events.push(EngineEvent(time: clock.now(), kind: .notice, message: "a \"quoted\"\nline\twith \\ and \u{1}"))
        var snap = Self.feed(engine, clock, ticks: 3, record: nil).last!
        snap.commands = ["gzip": "gzip -c", "é": "ü"]
        let entry = Timeline.Entry(snapshot: snap, delta: ScopeDelta())
        let bytes = try LineEncoder.encode(entry)
        #expect(!bytes.contains(0x0A), "one line")
        let back = try JSONDecoder().decode(Timeline.Entry.self, from: Data(bytes))
        #expect(back == entry)
        let odd = try LineEncoder.encode([Double.nan, .infinity, -.infinity, 1e-7, 0.1, 3])
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let values = try decoder.decode([Double].self, from: Data(odd))
        #expect(values[0].isNaN && values[1] == .infinity && values[2] == -.infinity && values[3] == 1e-7 && values[4] == 0.1 && values[5] == 3)
    }
}
