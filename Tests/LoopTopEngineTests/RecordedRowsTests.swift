import Foundation
import Histogram
@testable import LoopTopEngine
import Testing

/// Issues #13 and #14: a recorded frame writes only the worker rows (and
/// figures) that changed since the line before, and replays the same
/// frames; worker histories are shared between copies, not copied.
struct RecordedRowsTests {
    static func row(_ id: Int, elapsed: Double = 0, job: UInt64? = nil, activity: [Double] = []) -> WorkerSnapshot {
        var w = WorkerSnapshot(id: id, name: "looptop-w\(id)", tid: Int32(1000 + id), state: job == nil ? .idle : .running,
                               currentJob: job.map { RunningJob(id: $0, workload: "spin", mode: .offloaded, targetMs: 20, startedAt: 7) },
                               elapsedMs: elapsed, jobsDone: 3, busy: 0.5, cpuPerWall: 0.9, cpuMs: 12.5, startupMs: 0.2,
                               activity: activity)
        w.progress = job == nil ? nil : 0.25
        w.sched = TaskRates(cpu: 0.4, runqueueWait: 0.1, voluntarySwitchesPerSecond: 3, involuntarySwitchesPerSecond: 1)
        return w
    }

    /// Frames of a run whose rows change in every way a row can: most stay
    /// as they were, one runs on, one's job ends (its job and progress
    /// become nil), one ends, one is new, one goes.
    static func frames() -> [Snapshot] {
        var frames: [Snapshot] = []
        var s = Snapshot()
        s.source = SourceInfo(kind: .engine, title: "test")
        s.workers = (1...6).map { row($0, job: $0 == 2 || $0 == 3 ? UInt64($0) : nil, activity: [0.5]) }
        for i in 0..<12 {
            s.time = UInt64(i + 1) * 100_000_000
            s.workers[1].elapsedMs = Double(i) * 100.5           // worker 2 runs on
            s.workers[1].activity.append(Double(i % 3) / 2)
            if i == 3 {                                           // worker 3's job ends
                s.workers[2].currentJob = nil
                s.workers[2].progress = nil
                s.workers[2].state = .idle
                s.workers[2].jobsDone += 1
            }
            if i == 5 {                                           // worker 4 ends
                s.workers[3].state = .exited
                s.workers[3].endReason = "terminated"
                s.workers[3].sched = nil
            }
            if i == 6 { s.workers.append(row(7, elapsed: 1, job: 99)) }   // a new worker
            if i == 8 { s.workers.removeFirst() }                       // worker 1 pruned
            if i == 10 { s.workers[0].name = "renamed \"w2\"" }
            frames.append(s)
        }
        return frames
    }

    static func record(_ frames: [Snapshot], name: String) throws -> (RecordingFile, [String]) {
        let path = NSTemporaryDirectory() + "looptop-test-\(getpid())-\(name)"
        defer { unlink(path) }
        let recorder = try Recorder(path: path)
        recorder.begin(node: SourceInfo(kind: .engine, title: "test"), framesPerSecond: 10)
        for frame in frames { recorder.recordFrame(frame) }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return (try RecordingFile.load(path: path), text.split(separator: "\n").map(String.init))
    }

    @Test func unchangedRowsAreNotWrittenAndReplayTheSameFrames() throws {
        let frames = Self.frames()
        let (recording, lines) = try Self.record(frames, name: "rows.jsonl")
        #expect(recording.header.version == 2)
        // What the live rewind keeps of the same frames, whole rows in every one.
        var reference = Timeline(historyLength: recording.timeline.historyLength)
        for frame in frames { reference.append(frame) }
        #expect(recording.timeline.count == frames.count)
        for i in frames.indices {
            #expect(recording.timeline.entries[i].snapshot.workers == reference.entries[i].snapshot.workers, "kept rows of frame \(i)")
            #expect(recording.timeline.frame(at: i) == reference.frame(at: i), "frame \(i)")
        }
        // The first frame is whole; later ones name only the rows that moved.
        #expect(lines[1].contains("\"looptop-w5\""))
        #expect(!lines[2].contains("\"looptop-w5\""), "worker 5 never changes: written once")
        #expect(lines[3].contains("\"rows\":[{\"id\":2,\"elapsedMs\":201.0,\"activity\":[1.0]}]"), "only worker 2 moved in frame 2")
        #expect(lines[4].contains("\"currentJob\":null") && lines[4].contains("\"progress\":null"), "a figure that became nil")
        #expect(lines[9].contains("\"gone\":[1]"))
        #expect(lines[7].contains("\"new\":["))
        #expect(!lines[3].contains("\"name\""), "no row written whole")
    }

    @Test func rowsOutOfTheirOrderAreWrittenWhole() throws {
        var frames = Array(Self.frames().prefix(3))
        frames[2].workers.reverse()
        let (recording, lines) = try Self.record(frames, name: "reordered.jsonl")
        #expect(!lines[3].contains("\"rows\""), "written as in version 1")
        #expect(lines[2].contains("\"rows\""))
        var reference = Timeline(historyLength: recording.timeline.historyLength)
        for frame in frames { reference.append(frame) }
        #expect(recording.timeline.entries[2].snapshot.workers.map(\.id) == [6, 5, 4, 3, 2, 1])
        for i in frames.indices { #expect(recording.timeline.frame(at: i) == reference.frame(at: i), "frame \(i)") }
    }

    @Test func aVersion1RecordingStillReplays() throws {
        let frames = Self.frames()
        var timeline = Timeline()
        var text = #"{"format":"looptop-recording","version":1,"looptop_version":"0","source":{"kind":"engine","title":"old"},"started_at":"2026-01-01T00:00:00Z","started_unix":0,"machine":{"cores":2,"cpu_model":"x"},"frames_per_second":10,"history_length":600}"# + "\n"
        for frame in frames {
            timeline.append(frame)
            text += String(decoding: try LineEncoder.encode(timeline.entries.last!), as: UTF8.self) + "\n"
        }
        let recording = try RecordingFile.parse(Data(text.utf8), path: "old.jsonl")
        #expect(recording.header.version == 1)
        for i in frames.indices { #expect(recording.timeline.frame(at: i) == timeline.frame(at: i), "frame \(i)") }
    }

    @Test func aChangeNamingARowTheLineBeforeLacksIsOneLine() throws {
        let (_, lines) = try Self.record(Array(Self.frames().prefix(4)), name: "broken.jsonl")
        let broken = [lines[0], lines[1], lines[2], lines[3].replacingOccurrences(of: "\"rows\":[{\"id\":2,", with: "\"rows\":[{\"id\":77,"), lines[3]]
        #expect(throws: RecordingError.self) { try RecordingFile.parse(Data(broken.joined(separator: "\n").utf8), path: "b.jsonl") }
        do {
            _ = try RecordingFile.parse(Data(broken.joined(separator: "\n").utf8), path: "b.jsonl")
        } catch let error as RecordingError {
            #expect(error.message.hasPrefix("b.jsonl:4:") && error.message.contains("worker 77"), "\(error.message)")
            #expect(!error.message.contains("\n"))
        }
    }

    @Test func theHandWrittenRowIsWhatItsCodableWrites() throws {
        let before = Self.row(3, elapsed: 5, job: 8, activity: [0.25])
        var after = Self.row(3, elapsed: 6.125, job: nil, activity: [0.75, 1])
        after.endReason = "fault: \"x\""
        after.run = LatencySummary(count: 2, p50: 1, p99: 2, max: 3)
        after.sched = nil
        after.busy = .nan
        for change in [RowChange(row: after, before: before), RowChange(row: before, before: after),
                       RowChange(row: before, before: before)] {
            let generic = try LineEncoder.encode(change)
            let writer = LineEncoder.Writer()
            try change.write(into: writer, depth: 0)
            writer.close(to: 0)
            #expect(String(decoding: writer.bytes, as: UTF8.self) == String(decoding: generic, as: UTF8.self))
        }
    }

    @Test func aRowChangeKnowsEveryFigureOfARow() {
        // A figure added to WorkerSnapshot must be added to RowKey, RowChange and RowPatch too.
        let labels = Mirror(reflecting: Self.row(1)).children.compactMap(\.label)
        #expect(labels == RowKey.allCases.map(\.rawValue))
    }

    @Test func aPatchAppliedToTheRowBeforeGivesTheRow() throws {
        let before = Self.row(4, elapsed: 1, job: 1, activity: [0.5])
        var after = Self.row(4, elapsed: 2, job: nil, activity: [])
        after.schedTotal = TaskRates(cpu: 1, runqueueWait: nil, voluntarySwitchesPerSecond: 0, involuntarySwitchesPerSecond: 2)
        after.recentJobs = [JobRecord(id: 1, workload: "spin", mode: .offloaded, outcome: .completed, workerID: 4,
                                      submittedAt: 1, startedAt: 2, finishedAt: 3, reason: nil)]
        let bytes = try LineEncoder.encode(RowChange(row: after, before: before))
        let patch = try JSONDecoder().decode(RowPatch.self, from: Data(bytes))
        var rebuilt = before
        patch.apply(to: &rebuilt)
        #expect(rebuilt == after)
    }
}

/// Issue #14: a worker's history is shared by its copies and never changes under them.
struct SampleHistoryTests {
    @Test func aCopyKeepsWhatItHadWhileTheOriginalAppends() {
        var history = SampleHistory()
        for i in 0..<10 { history.append(Double(i), keepingLast: 4) }
        #expect(Array(history) == [6, 7, 8, 9])
        let copy = history
        for i in 10..<40 { history.append(Double(i), keepingLast: 4) }
        #expect(Array(copy) == [6, 7, 8, 9], "a copy handed out in a snapshot does not move")
        #expect(Array(history) == [36, 37, 38, 39])
    }

    @Test func twoCopiesThatAppendGoTheirOwnWays() {
        var a: SampleHistory = [1, 2]
        var b = a
        b.append(3)
        a.append(4)
        b.append(5)
        #expect(Array(a) == [1, 2, 4])
        #expect(Array(b) == [1, 2, 3, 5])
        #expect(a != b)
        a.removeAll()
        #expect(a.isEmpty && Array(b) == [1, 2, 3, 5])
    }

    @Test func itComparesAndCodesAsTheArrayItHolds() throws {
        var grown = SampleHistory()
        for v in [0.5, 0.25, 1] { grown.append(v, keepingLast: 600) }
        #expect(grown == [0.5, 0.25, 1])
        let bytes = try LineEncoder.encode(grown)
        #expect(String(decoding: bytes, as: UTF8.self) == "[0.5,0.25,1.0]")
        #expect(try JSONDecoder().decode(SampleHistory.self, from: Data(bytes)) == grown)
        #expect(try JSONDecoder().decode([Double].self, from: JSONEncoder().encode(grown)) == [0.5, 0.25, 1])
    }

    @Test func copiesAppendingOnManyThreadsSeeOnlyTheirOwn() async {
        var shared = SampleHistory()
        for i in 0..<100 { shared.append(Double(i), keepingLast: 100) }
        let start = shared
        await withTaskGroup(of: Bool.self) { group in
            for t in 0..<8 {
                group.addTask {
                    var mine = start
                    for i in 0..<1_000 { mine.append(Double(t * 10_000 + i), keepingLast: 100) }
                    return Array(mine) == (900..<1_000).map { Double(t * 10_000 + $0) }
                }
            }
            for await ok in group { #expect(ok) }
        }
        #expect(Array(start) == (0..<100).map(Double.init))
    }
}

/// Issue #14: percentiles read from the non-empty buckets are the library's.
struct LatencyPercentileTests {
    @Test func percentilesAreWhatTheHistogramSays() {
        var generator = SystemRandomNumberGenerator()
        for round in 0..<20 {
            var h = LatencyHistogram()
            for _ in 0..<(round * 37 + 1) {
                let nanos = UInt64.random(in: 0...(round % 2 == 0 ? 5_000_000 : 4_000_000_000_000), using: &generator)
                h.record(nanos: nanos)
            }
            h.record(micros: 1234, count: UInt64(round))
            for p in [1.0, 50, 90, 99, 99.9] {
                #expect(h.value(atPercentile: p) == h.histogram.valueAtPercentile(p), "round \(round), p\(p)")
            }
            let summary = h.summarize()
            #expect(summary.p50 == Double(h.histogram.valueAtPercentile(50)) / 1000)
            #expect(summary.p99 == Double(h.histogram.valueAtPercentile(99)) / 1000)
        }
    }
}
