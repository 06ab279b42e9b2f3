import Testing
import LoopTopTUI
import LoopTopEngine

/// Issue #13 on the memory screen: a replay's frame and a rewound frame, the
/// keys a read-only source shows, and a click on the lag graph.
struct SourcesScreenTests {
    static let replayKeys: [(keys: String, meaning: String)] = [
        ("space", "replay: pause / play"), ("\u{2190} \u{2192}", "one frame back / forward (pauses)"),
        ("PgUp PgDn", "10 s back / forward"), ("Home End", "first / last frame"), ("<  >", "halve / double the speed"),
    ]

    static func replayFrame(help: Bool = false) -> Frame {
        var frame = DashboardScenarios.frame(Fixtures.offloaded()) { $0.helpVisible = help }
        frame.capabilities = [.workerDetail, .seek]
        frame.timeMark = TimeMark.replay(PlaybackPosition(elapsed: 72.4, total: 270, playing: true, speed: 1, index: 5, count: 10))
        frame.sourceKeys = replayKeys
        return frame
    }

    /// Eleven frames a second apart, the newest the fixture; the frame shown is
    /// rebuilt from the timeline, 3 frames back.
    static func rewoundFrame() -> Frame {
        var timeline = Timeline(limit: 100, historyLength: 600)
        let newest = Fixtures.offloaded()
        for i in 0...10 {
            var s = newest
            s.time = newest.time - UInt64(10 - i) * 1_000_000_000
            s.loop.lagHistory = Array(newest.loop.lagHistory.prefix(590 + i))
            s.jobs.completed = newest.jobs.completed - UInt64(10 - i) * 40
            s.jobs.submitted = newest.jobs.submitted - UInt64(10 - i) * 40
            timeline.append(s)
        }
        var frame = DashboardScenarios.frame(timeline.frame(at: 7))
        frame.timeMark = TimeMark.rewind(3)
        return frame
    }

    @Test func aReplayFrameSaysREPLAYAndHidesTheEngineKeys() {
        expectScreen(render(Self.replayFrame(), rows: 30, cols: 100), """
         OFFLOADED   REPLAY 01:12 / 04:30  csv-parse 20 ms 40/s 4w/2c                                ? help
        ┌ Event loop ───────────────── lag, last minute ─┐┌ Queue ────────────────────────── capacity 256 ─┐
        │ lag p50 0.08 ms  p99 0.31 ms  max 1.2 ms       ││ depth 12       ▄█      ▄█      ▄█   rejected 0 │
        │ late >10 ms 0%  >50 ms 0%  >100 ms 0%          ││              ▃███    ▃███    ▃███              │
        │                                                ││             ▂████   ▂████   ▂████              │
        │                                                ││           ▁▆█████ ▁▆█████ ▁▆█████              │
        │                                                ││          ▅███████▅███████▅███████              │
        │  ▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁  0.40 ms ││ sub 1204  done 1180  fail 0  cancel 10         │
        │ busy 12%  requests 200/s  p99 0.90 ms          ││ wait p99 40 ms  run p50 20 ms  40 done/s       │
        │ hand-back p50 0.05 ms  p99 0.20 ms             ││ running 2  queued 12  on loop 0  run p99 24 ms │
        └────────────────────────────────────────────────┘└────────────────────────────────────────────────┘
        ┌ Workers ─────────────────────────────────────────────────────────────────────────────────────────┐
        │  ID STATE    JOB                    ELAPSED   DONE BUSY CPU/WALL WAIT   CSW/S ACTIVITY           │
        │   1 running  #1181 csv-parse 20 ms    12 ms    301  96%     0.51    —       — █████▂▃▆████▅▂▅▇███│
        │   2 idle     —                            —    290  60%     0.98    —       — ███▇▂▄▆████▄▂▅████▇│
        │   3 running  #1183 csv-parse 20 ms   3.0 ms    288  88%     0.55    —       — ████▅▂▅▇████▂▃▆████│
        │   4 starting —                            —      0   0%        —    —       —                    │
        │                                                                                                  │
        │                                                                                                  │
        │                                                                                                  │
        │                                                                                                  │
        │                                                                                                  │
        │                                                                                                  │
        │                                                                                                  │
        │                                                                                                  │
        └──────────────────────────────────────────────────────────────────────────────────────────────────┘
         12:00:47 worker 4 spawned
         12:00:58 mode offloaded
         12:01:05 worker 5 exited (terminated; job #1179 cancelled)
         space play/pause  ← → frame  [ ] 10 s  < > speed  z freeze  ↑↓ select  ↵ detail  l log  s sort
        """)
    }

    @Test func aRewoundFrameSaysREWINDAndShowsThatFrame() {
        expectScreen(render(Self.rewoundFrame(), rows: 30, cols: 100), """
         looptop   OFFLOADED   REWIND −3.0 s   csv-parse 20 ms  40 jobs/s  workers 4 (2 cores)       ? help
        ┌ Event loop ───────────────── lag, last minute ─┐┌ Queue ────────────────────────── capacity 256 ─┐
        │ lag p50 0.08 ms  p99 0.31 ms  max 1.2 ms       ││ depth 12                        █   rejected 0 │
        │ late >10 ms 0%  >50 ms 0%  >100 ms 0%          ││                                 █              │
        │                                                ││                                 █              │
        │                                                ││                                 █              │
        │                                                ││                                 █              │
        │                                     ▁  0.40 ms ││ sub 1084  done 1060  fail 0  cancel 10         │
        │ busy 12%  requests 200/s  p99 0.90 ms          ││ wait p99 40 ms  run p50 20 ms  40 done/s       │
        │ hand-back p50 0.05 ms  p99 0.20 ms             ││ running 2  queued 12  on loop 0  run p99 24 ms │
        └────────────────────────────────────────────────┘└────────────────────────────────────────────────┘
        ┌ Workers ─────────────────────────────────────────────────────────────────────────────────────────┐
        │  ID STATE    JOB                    ELAPSED   DONE BUSY CPU/WALL WAIT   CSW/S ACTIVITY           │
        │   1 running  #1181 csv-parse 20 ms    12 ms    301  96%     0.51    —       —                   █│
        │   2 idle     —                            —    290  60%     0.98    —       —                   ▂│
        │   3 running  #1183 csv-parse 20 ms   3.0 ms    288  88%     0.55    —       —                   █│
        │   4 starting —                            —      0   0%        —    —       —                    │
        │                                                                                                  │
        │                                                                                                  │
        │                                                                                                  │
        │                                                                                                  │
        │                                                                                                  │
        │                                                                                                  │
        │                                                                                                  │
        │                                                                                                  │
        └──────────────────────────────────────────────────────────────────────────────────────────────────┘
         12:00:50 worker 4 spawned
         12:01:01 mode offloaded
         12:01:07 worker 5 exited (terminated; job #1179 cancelled)
         ← → frame  End live  + spawn  - terminate  b mode  w workload  [ ] size  { } rate  space pause
        """)
    }

    @Test func theReplayHelpListsItsKeysAndNoEngineKeys() {
        let text = render(Self.replayFrame(help: true), rows: 30, cols: 100).lines.joined(separator: "\n")
        #expect(text.contains("replay: pause / play"))
        #expect(text.contains("halve / double the speed"))
        #expect(!text.contains("spawn a worker"))
        #expect(!text.contains("reload the spec"))
        #expect(text.contains("worker detail"))
    }

    @Test func theMarksReadAsTheIssueWritesThem() {
        #expect(TimeMark.replay(PlaybackPosition(elapsed: 72.9, total: 270, playing: true, speed: 1, index: 1, count: 9)) == "REPLAY 01:12 / 04:30")
        #expect(TimeMark.replay(PlaybackPosition(elapsed: 3, total: 270, playing: false, speed: 0.5, index: 1, count: 9)) == "REPLAY 00:03 / 04:30 \u{00D7}1/2 PAUSED")
        #expect(TimeMark.rewind(12.34) == "REWIND \u{2212}12.3 s")
    }

    @Test func aReadOnlySourceAnswersKeysWithOneLine() {
        #expect(KeyMap.needs(.command(.spawn(count: 1))) == .control)
        #expect(KeyMap.needs(.terminateSelected) == .terminateWorker)
        #expect(KeyMap.needs(.toggleFreeze) == nil)
        #expect(KeyMap.needs(.openDetail) == .workerDetail)
    }

    @Test func aClickOnTheLagGraphPointsBackInTime() {
        let frame = DashboardScenarios.frame(Fixtures.offloaded())
        let size = Size(rows: 30, cols: 100)
        // The graph's rightmost column is the newest: 0 back. The loop panel is 50 wide:
        // inside cols 2…47, the graph 2…38 (the label takes 9).
        #expect(GraphClick.nanosBack(row: 3, col: 38, frame: frame, size: size) == 0)
        let perCell = UInt64((600 + 36) / 37)  // 600 values over the graph's 37 columns
        #expect(GraphClick.nanosBack(row: 3, col: 28, frame: frame, size: size) == 10 * perCell * 100_000_000)
        #expect(GraphClick.nanosBack(row: 1, col: 20, frame: frame, size: size) == nil, "the lag figures' line")
        #expect(GraphClick.nanosBack(row: 20, col: 20, frame: frame, size: size) == nil, "the workers table")
    }
}
