import Testing
@testable import LoopTopEngine
@testable import LoopTopTUI

/// Issue 11's visible changes, on the memory screen: what the header, the
/// event log, the workers table, the detail view and the help say.
struct TruthScreenTests {
    func screen(_ name: String) -> MemoryScreen {
        let (_, frame, rows, cols) = TruthScenarios.all.first { $0.0 == name }!
        return render(frame, rows: rows, cols: cols)
    }

    func line(_ screen: MemoryScreen, containing text: String) -> String? {
        screen.lines.first { $0.contains(text) }
    }

    /// Point 7: 30 rejections fold into one line with their sum; the other
    /// events keep their lines in the 3-line log.
    @Test func repeatedEventsFoldIntoOneLine() {
        let s = screen("noisy-log")
        let log = Array(s.lines.suffix(4).prefix(3))
        #expect(log.count == 3)
        #expect(log[0].contains("rate 40 jobs/s"), "\(log)")
        #expect(log[1].contains("burst 20 jobs"), "\(log)")
        #expect(log[2].contains("960 jobs rejected in the last 30 s: queue full (capacity 256)"), "\(log)")
        #expect(s.lines.filter { $0.contains("jobs rejected") }.count == 1)
    }

    @Test func foldingRules() {
        let t = Fixtures.now
        func e(_ at: UInt64, _ message: String, _ kind: EngineEvent.Kind = .control) -> EngineEvent {
            EngineEvent(time: t + at * Fixtures.second, kind: kind, message: message)
        }
        // Same message: "×3"; same shape, other numbers: "and 2 like it"; a gap over 10 s starts a new line.
        let lines = LogLine.fold([e(0, "mode blocking"), e(1, "mode blocking"), e(2, "worker 3 spawned", .workerSpawned),
                                  e(3, "mode blocking"), e(4, "worker 4 spawned", .workerSpawned),
                                  e(5, "worker 5 spawned", .workerSpawned), e(30, "mode blocking")])
        #expect(lines.map(\.message) == ["mode blocking ×3", "worker 5 spawned (and 2 like it)", "mode blocking"])
        #expect(lines.map(\.count) == [3, 3, 1])
        #expect(LogLine.fold([e(0, "12 jobs rejected: queue full")]).map(\.message) == ["12 jobs rejected: queue full"])
        // Numbers with their separators become one mark; other text, non-ASCII too, stays; kinds stay apart.
        #expect(LogLine.foldKey(e(0, "lag 1,024.5 ms — worker 3")) == LogLine.foldKey(e(0, "lag 7 ms — worker 12")))
        #expect(LogLine.foldKey(e(0, "lag 1,024.5 ms — worker 3")) == "control:lag # ms — worker #")
        #expect(LogLine.foldKey(e(0, "rate 40 jobs/s")) != LogLine.foldKey(e(0, "rate 40 jobs/s", .notice)))
        #expect(LogLine.foldKey(e(0, "v1.2, ok")) == "control:v# ok")
    }

    /// The folder gives what folding gives, and folds again when the log
    /// grows or is cut, whatever the frame asks in between.
    @Test func logFolderFollowsTheLog() {
        let folder = LogFolder()
        var history = EventHistory(capacity: 50)
        var all: [EngineEvent] = []
        for i in 0..<200 {
            let kind: EngineEvent.Kind = i % 3 == 0 ? .workerSpawned : .control
            all.append(EngineEvent(time: UInt64(i + 1) * 4_000_000_000, kind: kind, message: i % 7 == 0 ? "rate \(i) jobs/s" : "mode blocking"))
            history.merge(all)
            #expect(folder.lines(of: history.events) == LogLine.fold(history.events), "after \(i + 1) events")
            #expect(folder.lines(of: history.events) == LogLine.fold(history.events))
        }
        // A rewound frame's log is a prefix: folded anew, then the whole again.
        let prefix = Array(history.events.prefix(20))
        #expect(folder.lines(of: prefix) == LogLine.fold(prefix))
        #expect(folder.lines(of: history.events) == LogLine.fold(history.events))
    }

    /// The UI keeps at least 1,000 events, merging each snapshot's last 200.
    @Test func historyKeepsAThousandEvents() {
        var history = EventHistory()
        var all: [EngineEvent] = []
        for i in 0..<1_500 {
            all.append(EngineEvent(time: UInt64(i + 1) * 1_000, kind: .control, message: "event \(i)"))
            if i % 50 == 49 { history.merge(Array(all.suffix(200))) }
        }
        #expect(history.events.count >= 1_000)
        #expect(history.events == Array(all.suffix(history.events.count)))
        history.merge(Array(all.suffix(200)))  // nothing new: nothing added
        #expect(history.events.last == all.last)
        #expect(history.events.count == Set(history.events.map(\.message)).count)
    }

    /// The focused log scrolls and says how far: ↑ older lines, ↓ newer ones.
    @Test func focusedLogScrollsAndIsMarked() {
        let s = screen("log-focused")
        let top = line(s, containing: "┌ Events")
        #expect(top?.contains("↑") == true && top?.contains("↓5") == true && top?.contains("60 events") == true, "\(top ?? "")")
        #expect(line(s, containing: "event Cc") != nil)  // the 55th
        #expect(line(s, containing: "event Cd") == nil)
        #expect(line(s, containing: "┌ Workers") == nil, "the log takes the table's place")
        #expect(s.lines.last?.contains("Esc back") == true)
    }

    /// Point 9: an ended worker shows its final figures, not a share frozen at its end.
    @Test func endedWorkersShowFinalFigures() {
        let s = screen("ended-worker")
        let row = line(s, containing: " 4 exited")
        #expect(row?.contains("ended: 12 done") == true, "\(row ?? "")")
        #expect(row?.contains("100%") == false, "\(row ?? "")")
        #expect(line(s, containing: "3 live, 1 ended") != nil)
        let hidden = screen("ended-hidden")
        #expect(line(hidden, containing: " 4 exited") == nil)
        #expect(line(hidden, containing: "1 ended hidden") != nil)
    }

    @Test func sortedByBusyMarksTheColumn() {
        let s = screen("sorted-by-busy")
        #expect(line(s, containing: "by BUSY") != nil)
        let ids = s.lines.compactMap { l -> Int? in
            let words = l.split(separator: " ")
            guard words.count > 2, words[0] == "│", ["running", "idle", "starting", "exited"].contains(String(words[2])) else { return nil }
            return Int(words[1])
        }
        #expect(ids == [1, 3, 2, 4], "\(ids)")  // 96%, 88%, 60%, then ended (busy 0 over its life)
    }

    /// Point 9: rows scrolled off are marked at every size, compact included.
    @Test func scrolledRowsAreMarkedAtEverySize() {
        let compact = screen("seventeen-compact")
        let top = line(compact, containing: "┌ Workers")
        #expect(top?.contains("↑") == true && top?.contains("↓") == true, "\(top ?? "")")
        let wide = screen("seventeen-wide")
        #expect(line(wide, containing: "┌ Workers").map { $0.contains("↓") || $0.contains("16 live, 1 ended") } == true)
    }

    /// Point 6: a mix as a mix, a command as its command, frozen with the engine's now.
    @Test func headerShowsWhatIsInForce() {
        #expect(screen("mix").lines[0].contains("mix of 4 (thumbs 30 ms, imports 10 ms, …)"), "\(screen("mix").lines[0])")
        #expect(screen("mix-compact").lines[0].contains("mix of 4"), "\(screen("mix-compact").lines[0])")
        #expect(screen("command").lines[0].contains("gz: gzip -6"), "\(screen("command").lines[0])")
        #expect(!screen("command").lines[0].contains("20 ms"))
        let frozen = screen("frozen-changed").lines[0]
        #expect(frozen.contains("FROZEN · engine now BLOCKING primes 160 ms"), "\(frozen)")
        #expect(frozen.contains("OFFLOADED"))
    }

    /// Point 10: counts over different windows say which.
    @Test func detailCountsSayTheirWindow() {
        let s = screen("detail-windows")
        #expect(line(s, containing: "done 301 (since start)") != nil)
        #expect(line(s, containing: "jobs 301 (last 5 s)") != nil)
        #expect(line(s, containing: "126 since start") != nil)
    }

    /// The help says what each figure is and over what window (`?` turns
    /// to that page); it lists only keys that work.
    @Test func helpExplainsTheFigures() {
        let figures = screen("help-figures").text
        for figure in ["lag p50 p99 max", "late >10 >50 >100", "busy (loop)", "requests p99", "hand-back", "wait / run",
                       "BUSY", "CPU/WALL", "WAIT", "CSW/S", "last 5 s", "last 1 s", "whole life"] {
            #expect(figures.contains(figure), "the figures page lacks \(figure)")
        }
        #expect(!figures.contains("more: a taller terminal"))
        let keys = screen("help-keys").text
        #expect(keys.contains("? figures"))
        #expect(!keys.contains("reload the spec file"), "no spec file: L is not listed")
        for key in ["focus the event log", "hide / show ended workers", "sort the workers"] {
            #expect(keys.contains(key), "the keys page lacks \(key)")
        }
    }

    @Test func questionMarkTurnsTheHelpPage() {
        var state = UIState()
        _ = state.apply(.toggleHelp, workers: [], visibleRows: 5)
        #expect(state.helpVisible && state.helpPage == 0)
        _ = state.apply(.toggleHelp, workers: [], visibleRows: 5)
        #expect(state.helpVisible && state.helpPage == 1)
        _ = state.apply(.back, workers: [], visibleRows: 5)
        #expect(!state.helpVisible && state.helpPage == 0)
    }

    /// The log takes the arrows while focused; Esc gives them back.
    @Test func logFocusTakesTheArrows() {
        var state = UIState()
        let workers = Fixtures.offloaded().workers
        _ = state.apply(.toggleLogFocus, workers: workers, visibleRows: 10)
        #expect(state.logFocused)
        _ = state.apply(.moveSelection(-1), workers: workers, visibleRows: 10)
        _ = state.apply(.page(-1), workers: workers, visibleRows: 10)
        #expect(state.logScroll == 11 && state.selection.workerID == nil)
        _ = state.apply(.selectLast, workers: workers, visibleRows: 10)
        #expect(state.logScroll == 0)
        _ = state.apply(.back, workers: workers, visibleRows: 10)
        #expect(!state.logFocused)
        _ = state.apply(.moveSelection(1), workers: workers, visibleRows: 10)
        #expect(state.selection.workerID == 1)
    }
}
