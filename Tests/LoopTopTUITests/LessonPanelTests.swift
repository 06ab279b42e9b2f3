import Testing
import LoopTopTUI
import LoopTopEngine

/// The lesson's caption panel, rendered from hand-built ``LessonStatus``
/// values at the sizes a talk uses (120×36, 80×24) and the smallest (40×12).
struct LessonPanelTests {
    static let caption = "The same jobs now run on the loop (blocking). Each holds every timer and request for 200 ms: "
        + "lag max and request p99 jump to about 200 ms."

    static func status(paused: Bool = false, last: LessonStatus.Outcome? = ok) -> LessonStatus {
        LessonStatus(title: "The blocked loop", step: 2, steps: 3, caption: caption,
                     progress: .waiting(until: "lag_max > 150 and request_p99 > 100", elapsed: 2.14, timeout: 10),
                     paused: paused, last: last, passed: 1, failed: 0)
    }

    static let ok = LessonStatus.Outcome(step: 1, verdict: .ok, ending: "time", figures: [
        .init(metric: "lag_p99", value: 0.414, op: "<", target: 50),
        .init(metric: "request_p99", value: 0.92, op: "<", target: 50),
    ])

    static func frame(_ lesson: LessonStatus?) -> Frame {
        var frame = DashboardScenarios.frame(Fixtures.offloaded())
        frame.lesson = lesson
        return frame
    }

    @Test func panelAt120x36() {
        let screen = render(Self.frame(Self.status()), rows: 36, cols: 120)
        expectLines(Array(screen.lines.prefix(8)), """
         looptop   OFFLOADED   csv-parse 20 ms (run p50 20 ms)  40 jobs/s  workers 4 (2 cores)                   ? help  q quit
        ┌ Lesson: The blocked loop · step 2/3 ─────────────────────────────────────────────────────────────────────────────────┐
        │ The same jobs now run on the loop (blocking). Each holds every timer and request for 200 ms: lag max and request p99 │
        │ jump to about 200 ms.                                                                                                │
        │ ▶ waiting until lag_max > 150 and request_p99 > 100  2.1 s (timeout 10 s)                                            │
        │ step 1 ok  lag_p99 0.41 < 50  request_p99 0.92 < 50                                                                  │
        └──────────────────────────────────────────────────────────────────────────────────────────────────────────────────────┘
        ┌ Event loop ─────────────────────────── lag, last minute ─┐┌ Queue ──────────────────────────────────── capacity 256 ─┐
        """)
        #expect(screen.lines.last?.hasPrefix(" n next step  p previous  space pause lesson  + spawn") == true)
        #expect(screen.text.contains("│   4 starting"), "the workers table still shows every worker")
    }

    @Test func panelAt80x24KeepsTheWholeCaptionAndTheTable() {
        let screen = render(Self.frame(Self.status()), rows: 24, cols: 80)
        expectLines(Array(screen.lines.prefix(8)), """
         looptop   OFFLOADED   csv-parse 20 ms  40 jobs/s  workers 4 (2 cores)   ? help
        ┌ Lesson: The blocked loop · step 2/3 ─────────────────────────────────────────┐
        │ The same jobs now run on the loop (blocking). Each holds every timer and     │
        │ request for 200 ms: lag max and request p99 jump to about 200 ms.            │
        │ ▶ waiting until lag_max > 150 and request_p99 > 100  2.1 s (timeout 10 s)    │
        │ step 1 ok  lag_p99 0.41 < 50  request_p99 0.92 < 50                          │
        └──────────────────────────────────────────────────────────────────────────────┘
        ┌ Event loop ─────── lag, last minute ─┐┌ Queue ──────────────── capacity 256 ─┐
        """)
        let layout = DashboardRenderer.layout(Self.frame(Self.status()), size: Size(rows: 24, cols: 80))
        #expect(layout.workerRows >= 2)
        #expect(screen.lines.last?.hasPrefix(" n next step  p previous  space pause lesson") == true)
    }

    @Test func oneLineAt40x12() {
        let screen = render(Self.frame(Self.status(paused: true)), rows: 12, cols: 40)
        #expect(screen.lines[1] == " lesson 2/3  PAUSED  The same jobs now …")
        #expect(screen.text.contains("┌ Workers"))
        #expect(screen.lines[11] == " n next step  p previous")
        let paused = try! #require(screen.find("PAUSED"))
        #expect(screen.style(row: paused.row, col: paused.col) == Style(.warn, [.bold, .reverse]))
    }

    @Test func shortOfRowsTheFirstCaptionLineAndProgressStay() {
        // 80×20 with three warnings: the panel gives up caption lines before the table its rows.
        var frame = Self.frame(Self.status())
        frame.snapshot.warnings = Fixtures.blocking().warnings + Fixtures.blocking().warnings
        let screen = render(frame, rows: 20, cols: 80)
        let top = screen.find("┌ Lesson")!.row
        let bottom = screen.lines.firstIndex { $0.hasPrefix("└") }!
        #expect(bottom - top - 1 >= 1)
        #expect(screen.lines[top + 1].contains("The same jobs"))
        #expect(DashboardRenderer.layout(frame, size: Size(rows: 20, cols: 80)).workerRows >= 2)
    }

    @Test func pausedAndFailedAndFinished() throws {
        let failed = LessonStatus.Outcome(step: 2, verdict: .failed, ending: "timeout", figures: [
            .init(metric: "lag_max", value: 92.4, op: ">", target: 150),
            .init(metric: "request_p99", value: 140, op: ">", target: 100),
        ])
        let screen = render(Self.frame(Self.status(paused: true, last: failed)), rows: 36, cols: 120)
        #expect(screen.lines[4].contains(" PAUSED  waiting until lag_max > 150"))
        #expect(screen.lines[5].hasPrefix("│ step 2 FAILED (timed out)  lag_max 92.4 wanted > 150  request_p99 140 > 100  "))
        let bad = try #require(screen.find("92.4"))
        #expect(screen.style(row: bad.row, col: bad.col) == .critical)
        let good = try #require(screen.find("140"))
        #expect(screen.style(row: good.row, col: good.col) == .ok)
        #expect(screen.lines.last?.contains("space resume lesson") == true)

        let done = LessonStatus(title: "The blocked loop", step: 3, steps: 3, caption: "", progress: .finished,
                                last: LessonStatus.Outcome(step: 3, verdict: .skipped, ending: "skipped", figures: []),
                                passed: 1, failed: 1)
        let end = render(Self.frame(done), rows: 24, cols: 80)
        #expect(end.lines[1].hasSuffix(" complete ─┐"))
        #expect(end.lines[2].hasPrefix("│ lesson complete: 1 passed, 1 failed"))
        #expect(end.lines[3].hasPrefix("│ p plays the last step again  q quits"))
        #expect(end.lines[4].hasPrefix("│ step 3 skipped with n (not checked)"))
        let complete = try #require(end.find("lesson complete"))
        #expect(end.style(row: complete.row, col: complete.col) == .critical)
        let compact = render(Self.frame(done), rows: 12, cols: 40)
        #expect(compact.lines[1] == " lesson 3/3 lesson complete: 1 passed, …")
    }

    @Test func timedStepShowsAGauge() {
        var status = Self.status(last: nil)
        status.progress = .timed(elapsed: 1.5, of: 3)
        let screen = render(Self.frame(status), rows: 36, cols: 120)
        #expect(screen.lines[4].hasPrefix("│ ▶ 1.5 s of 3 s  ██████████··········"))
        var settling = status
        settling.progress = .settling(elapsed: 0.4, of: 1)
        #expect(render(Self.frame(settling), rows: 36, cols: 120).lines[4]
            .hasPrefix("│ ▶ settling 0.4 s of 1 s  old work drains"))
    }

    @Test func narrowAndTinyCanvasesDoNotCrash() {
        for (rows, cols) in [(0, 0), (1, 1), (3, 10), (12, 40), (5, 200)] {
            let screen = MemoryScreen(rows: rows, cols: cols)
            _ = Canvas(screen: screen)
            DashboardRenderer.render(Self.frame(Self.status()), on: screen)
        }
    }

    @Test func helpListsTheLessonKeys() {
        var frame = Self.frame(Self.status())
        frame.state.helpVisible = true
        let text = render(frame, rows: 36, cols: 120).text
        #expect(text.contains("lesson: next step"))
        #expect(text.contains("lesson: pause / resume"))
        #expect(!text.contains("pause / resume arrivals"))
    }
}

struct LessonKeyTests {
    @Test func lessonModeTakesNPAndSpace() {
        let lesson = KeyMap(burstSize: 20, lessonMode: true)
        #expect(lesson.action(for: .character("n")) == .lessonNext)
        #expect(lesson.action(for: .character("p")) == .lessonPrevious)
        #expect(lesson.action(for: .character(" ")) == .lessonTogglePause)
        #expect(lesson.action(for: .character("+")) == .command(.spawn(count: 1)))
        let plain = KeyMap(burstSize: 20)
        #expect(plain.action(for: .character(" ")) == .command(.togglePause))
        #expect(plain.action(for: .character("n")) == nil)
        #expect(plain.action(for: .character("L")) == .reloadSpec)
        #expect(plain.action(for: .character("t")) == .cycleTheme)
    }

    @Test func wrapBreaksAtSpacesAndCutsLongWords() {
        #expect(TextWidth.wrap("one two three four", to: 9) == ["one two", "three", "four"])
        #expect(TextWidth.wrap("  a   b  ", to: 10) == ["a b"])
        #expect(TextWidth.wrap("abcdefghij xy", to: 4) == ["abcd", "efgh", "ij", "xy"])
        #expect(TextWidth.wrap("", to: 5) == [])
        #expect(TextWidth.wrap("abc", to: 0) == [])
    }
}
