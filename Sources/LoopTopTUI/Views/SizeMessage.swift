/// What a terminal too small for the dashboard shows: the size it needs.
enum SizeMessage {
    static func render(_ canvas: Canvas, size: Size) {
        let need = DashboardLayout.minimum
        let lines = [
            TextLine("looptop needs \(need.cols)x\(need.rows)", .title, alignment: .center),
            TextLine("this terminal: \(size.cols)x\(size.rows)", .warn, alignment: .center),
            TextLine("q quits", .dim, alignment: .center),
        ]
        let shown = min(lines.count, canvas.rows)
        let top = max(0, (canvas.rows - shown) / 2)
        for (i, line) in lines.prefix(shown).enumerated() { line.render(canvas.line(top + i)) }
    }
}
