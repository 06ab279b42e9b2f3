import Testing
import LoopTopTUI
import LoopTopEngine

/// Every widget, drawn into a canvas of 0×0, 1×1 and 40×12 in the middle of a
/// screen filled with "x": it must not crash and must not touch any cell
/// outside its canvas.
struct WidgetSizeTests {
    static let widgets: [(String, @Sendable (Canvas) -> Void)] = [
        ("box", { Box(title: "Event loop", note: "1s").render($0) }),
        ("text", { TextLine("a line longer than one cell", .text).render($0) }),
        ("fields", { FieldLine([.init("lag p50", short: "p50", "0.08 ms"), .init("p99", "0.3 ms")]).render($0) }),
        ("sparkline", { Sparkline([0, 1, 2, 3, 4, 5, 6, 7, 8], samplesPerCell: 1).render($0) }),
        ("gauge", { Gauge(0.42).render($0) }),
        ("histogram", { HistogramBars([.init(label: "≤ 1 ms", count: 3), .init(label: "≤ 2 ms", count: 9)]).render($0) }),
        ("table", {
            Table(columns: [.init("ID", width: 3, alignment: .right), .init("STATE", width: 8)],
                  rows: [.init([.text("1"), .text("running", .state(.running))], highlighted: true),
                         .init([.text("2"), .sparkline(Sparkline([0.1, 0.9], maxValue: 1))])]).render($0)
        }),
    ]

    @Test(arguments: [Size(rows: 0, cols: 0), Size(rows: 1, cols: 1), Size(rows: 12, cols: 40),
                      Size(rows: 2, cols: 3), Size(rows: 1, cols: 40)])
    func staysInsideItsCanvas(size: Size) {
        let rows = size.rows, cols = size.cols
        for (name, draw) in Self.widgets {
            let screen = MemoryScreen(rows: rows + 4, cols: cols + 4, fill: "x")
            let canvas = Canvas(screen: screen, rect: Rect(row: 2, col: 2, rows: rows, cols: cols))
            draw(canvas)
            for r in 0..<(rows + 4) {
                for c in 0..<(cols + 4) {
                    let inside = r >= 2 && r < rows + 2 && c >= 2 && c < cols + 2
                    if !inside {
                        #expect(screen.cell(row: r, col: c)?.character == "x",
                                "\(name) at \(cols)×\(rows) drew outside its canvas at (\(r), \(c))")
                    }
                }
            }
        }
    }
}

struct WidgetRenderTests {
    @Test func boxWithTitleAndNote() {
        let screen = MemoryScreen(rows: 4, cols: 24)
        let inside = Box(title: "Queue", note: "cap 256", padding: 1).render(Canvas(screen: screen))
        TextLine("depth 12").render(inside)
        expectScreen(screen, """
        ┌ Queue ───── cap 256 ─┐
        │ depth 12             │
        │                      │
        └──────────────────────┘
        """)
        #expect(screen.style(row: 0, col: 3) == .title)
        #expect(screen.style(row: 1, col: 0) == .border)
        #expect(inside.rect == Rect(row: 1, col: 2, rows: 2, cols: 20))
    }

    @Test func boxTitleIsCutToFit() {
        let screen = MemoryScreen(rows: 3, cols: 10)
        Box(title: "Event loop panel").render(Canvas(screen: screen))
        expectScreen(screen, """
        ┌ Event… ┐
        │        │
        └────────┘
        """)
    }

    @Test func textLineTruncatesWithEllipsis() {
        let screen = MemoryScreen(rows: 1, cols: 10)
        TextLine([Span("loop ", .title), Span("blocked 812 ms", .critical)]).render(Canvas(screen: screen))
        #expect(screen.lines == ["loop bloc…"])
        #expect(screen.style(row: 0, col: 0) == .title)
        #expect(screen.style(row: 0, col: 9) == .critical)
    }

    @Test func textLineAlignsRight() {
        let screen = MemoryScreen(rows: 1, cols: 10)
        TextLine("12 ms", alignment: .right).render(Canvas(screen: screen))
        #expect(screen.rows == ["     12 ms"])
    }

    @Test func fieldLineDropsWholeFieldsNotHalves() {
        let line = FieldLine([.init("submitted", short: "sub", "1204"), .init("done", "1180"),
                              .init("failed", short: "fail", "0")])
        let text = { (cols: Int) in line.spans(fitting: cols).map(\.text).joined() }
        #expect(text(60) == "submitted 1204  done 1180  failed 0")
        #expect(text(30) == "sub 1204  done 1180  fail 0")
        #expect(text(25) == "sub 1204 done 1180 fail 0")
        #expect(text(20) == "sub 1204 done 1180")
        #expect(text(3) == "")
    }

    @Test func sparklineLevelsAndScale() {
        let screen = MemoryScreen(rows: 1, cols: 8)
        Sparkline([1, 2, 3, 4, 5, 6, 7, 8], maxValue: 8).render(Canvas(screen: screen))
        #expect(screen.lines == ["▁▂▃▄▅▆▇█"])
    }

    @Test func sparklineNewestOnTheRightAndZeroIsALine() {
        let screen = MemoryScreen(rows: 1, cols: 6)
        Sparkline([0, 0, 8], maxValue: 8).render(Canvas(screen: screen))
        #expect(screen.rows == ["   ▁▁█"])
    }

    @Test func sparklineBucketsFromTheNewestEnd() {
        // Five samples, two per cell: [1] [2 3] [4 5] with max → 1, 3, 5.
        let spark = Sparkline([1, 2, 3, 4, 5], samplesPerCell: 2, reduce: .max)
        #expect(spark.columns(10) == [1, 3, 5])
        #expect(spark.columns(2) == [3, 5])
        let mean = Sparkline([1, 2, 3, 4, 5], samplesPerCell: 2, reduce: .mean)
        #expect(mean.columns(10) == [1, 2.5, 4.5])
    }

    @Test func sparklineTwoRowsAndThresholdInk() {
        let screen = MemoryScreen(rows: 2, cols: 3)
        Sparkline([10, 60, 100], maxValue: 100, ink: .thresholds(warn: 50, critical: 90)).render(Canvas(screen: screen))
        expectScreen(screen, """
         ▂█
        ▂██
        """)
        #expect(screen.style(row: 1, col: 0) == .ok)
        #expect(screen.style(row: 1, col: 1) == .warn)
        #expect(screen.style(row: 0, col: 2) == .critical)
    }

    @Test func sparklineInASCII() {
        let screen = MemoryScreen(rows: 1, cols: 8)
        Sparkline([1, 2, 3, 4, 5, 6, 7, 8], maxValue: 8).render(Canvas(screen: screen, glyphs: .ascii))
        #expect(screen.lines == ["_.-~=+*#"])
    }

    @Test func gaugeWithPartialCell() {
        let screen = MemoryScreen(rows: 1, cols: 10)
        Gauge(0.45).render(Canvas(screen: screen))
        #expect(screen.lines == ["████▌·····"])
        let ascii = MemoryScreen(rows: 1, cols: 10)
        Gauge(0.45).render(Canvas(screen: ascii, glyphs: .ascii))
        #expect(ascii.lines == ["#####....."])
    }

    @Test func histogramBarsScaleToTheLargest() {
        let screen = MemoryScreen(rows: 3, cols: 24)
        HistogramBars([.init(label: "≤ 8 ms", count: 5), .init(label: "≤ 16 ms", count: 20),
                       .init(label: "≤ 32 ms", count: 0)]).render(Canvas(screen: screen))
        expectScreen(screen, """
         ≤ 8 ms ████           5
        ≤ 16 ms █████████████ 20
        ≤ 32 ms                0
        """)
    }

    @Test func tableScrollsAndHighlights() {
        let screen = MemoryScreen(rows: 3, cols: 14)
        let rows = (1...5).map { Table.Row([.text("\($0)"), .text("idle", .state(.idle))], highlighted: $0 == 3) }
        Table(columns: [.init("ID", width: 3, alignment: .right), .init("STATE", width: 8)], rows: rows, offset: 2)
            .render(Canvas(screen: screen))
        expectScreen(screen, """
         ID STATE
          3 idle
          4 idle
        """)
        #expect(screen.style(row: 1, col: 4) == Style(.workerState(.idle), .highlight))
        #expect(screen.style(row: 1, col: 13) == Style(.text, .highlight))
        #expect(screen.style(row: 2, col: 4) == Style(.workerState(.idle)))
    }
}
