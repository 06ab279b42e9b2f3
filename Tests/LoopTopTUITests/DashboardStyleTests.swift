@testable import LoopTopEngine
import Testing
import LoopTopTUI

/// What the colors say: each meaning lands on the cells that carry it.
struct DashboardStyleTests {
    @Test func blockedLoopIsCriticalAndNamesTheJob() throws {
        let screen = render(DashboardScenarios.frame(Fixtures.blocking()), rows: 30, cols: 100)
        let chip = try #require(screen.find("BLOCKED 812 ms"))
        #expect(screen.style(row: chip.row, col: chip.col) == Style(.critical, [.bold, .reverse]))
        let blame = try #require(screen.find("by job #1177 primes"))
        #expect(screen.style(row: blame.row, col: blame.col + 3)?.role == .critical)
        let warning = try #require(screen.find("loop blocked 812 ms by job #1177 primes"))
        #expect(screen.style(row: warning.row, col: warning.col)?.role == .critical)
        let mode = try #require(screen.find("BLOCKING"))
        #expect(screen.style(row: mode.row, col: mode.col) == Style(.critical, [.bold, .reverse]))
    }

    @Test func lagFiguresAreColoredByThreshold() throws {
        let screen = render(DashboardScenarios.frame(Fixtures.blocking()), rows: 30, cols: 100)
        let p99 = try #require(screen.find("780 ms"))
        #expect(screen.style(row: p99.row, col: p99.col) == .critical)
        let calm = render(DashboardScenarios.frame(Fixtures.offloaded()), rows: 30, cols: 100)
        let low = try #require(calm.find("0.31 ms"))
        #expect(calm.style(row: low.row, col: low.col) == .ok)
    }

    @Test func eachWorkerStateHasItsOwnStyle() throws {
        let screen = render(DashboardScenarios.frame(Fixtures.offloaded()), rows: 30, cols: 100)
        for (text, state) in [("1 running", WorkerState.running), ("2 idle", .idle), ("4 starting", .starting)] {
            let at = try #require(screen.find(text))
            #expect(screen.style(row: at.row, col: at.col + 2) == .state(state))
        }
    }

    @Test func selectedRowIsMarkedAndHighlighted() throws {
        let frame = DashboardScenarios.frame(Fixtures.offloaded()) { $0.selection = Selection(workerID: 2) }
        let screen = render(frame, rows: 30, cols: 100)
        let marker = try #require(screen.find(">  2 idle"))
        #expect(screen.style(row: marker.row, col: marker.col) == Style(.selection, [.bold, .highlight]))
        #expect(screen.style(row: marker.row, col: marker.col + 5) == Style(.workerState(.idle), .highlight))
    }

    @Test func asciiGlyphsInANonUTF8Locale() {
        var frame = DashboardScenarios.frame(Fixtures.offloaded())
        frame.glyphs = .ascii
        let screen = render(frame, rows: 30, cols: 100)
        let text = screen.text
        for glyph in ["▁", "█", "—", "↑", "↓", "…", "▲", "·"] {
            #expect(!text.contains(glyph), "ASCII screen contains \(glyph)")
        }
        // Box lines stay box-drawing characters: the curses screen draws them with ACS.
        #expect(text.contains("┌ Workers"))
    }

    @Test func layoutAdaptsToTheSize() {
        #expect(DashboardLayout.main(size: Size(rows: 8, cols: 30), warnings: 0).kind == .tooSmall)
        #expect(DashboardLayout.main(size: Size(rows: 12, cols: 39), warnings: 0).kind == .tooSmall)
        #expect(DashboardLayout.main(size: Size(rows: 12, cols: 40), warnings: 0).kind == .compact)
        #expect(DashboardLayout.main(size: Size(rows: 30, cols: 100), warnings: 0).kind == .full)
        // Every row is used, once, at every size from the smallest up.
        for rows in 12...50 {
            for cols in [40, 79, 80, 100, 200] {
                for warnings in [0, 1, 5] {
                    let l = DashboardLayout.main(size: Size(rows: rows, cols: cols), warnings: warnings, workers: 4)
                    let vertical = [l.header, l.kind == .full ? l.loop : l.loop, l.workers, l.warnings, l.log, l.footer]
                    #expect(vertical.reduce(0) { $0 + $1.rows } == rows, "\(cols)x\(rows)")
                    #expect(l.workerRows >= 2, "\(cols)x\(rows) leaves \(l.workerRows) worker rows")
                }
            }
        }
    }

    @Test func moreWorkersTakeRowsBackFromTheGraphs() {
        let few = DashboardLayout.main(size: Size(rows: 30, cols: 100), warnings: 0, workers: 4)
        let many = DashboardLayout.main(size: Size(rows: 30, cols: 100), warnings: 0, workers: 64)
        #expect(few.loop.rows > many.loop.rows)
        #expect(few.workerRows >= 5)
        #expect(many.workerRows > few.workerRows)
    }

    @Test func resizeRendersTheNewLayoutAtOnce() {
        let screen = MemoryScreen(rows: 30, cols: 100)
        let frame = DashboardScenarios.frame(Fixtures.offloaded())
        DashboardRenderer.render(frame, on: screen)
        screen.resize(to: Size(rows: 8, cols: 30))
        DashboardRenderer.render(frame, on: screen)
        #expect(screen.text.contains("looptop needs 40x12"))
        screen.resize(to: Size(rows: 12, cols: 40))
        DashboardRenderer.render(frame, on: screen)
        #expect(screen.text.contains("┌ Workers"))
        #expect(screen.text.contains("lag"))
        #expect(screen.text.contains("queue"))
    }

    @Test func everyWidgetSurvivesEverySmallScreen() {
        let frames = DashboardScenarios.all.map(\.1)
        for frame in frames {
            for rows in [0, 1, 2, 5, 11, 12, 13, 19, 20] {
                for cols in [0, 1, 10, 39, 40, 41, 79, 80] {
                    let screen = MemoryScreen(rows: rows, cols: cols)
                    DashboardRenderer.render(frame, on: screen)
                    #expect(screen.rows.allSatisfy { TextWidth.width(of: $0) == cols })
                }
            }
        }
    }
}
