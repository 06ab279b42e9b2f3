import LoopTopEngine

/// Where a click on the loop panel's lag graph points in time: its columns
/// are the last minute, newest at the right, each a few frames wide.
public enum GraphClick {
    /// Nanoseconds before the frame shown that the clicked column stands
    /// for, or nil if the click is not on the graph.
    public static func nanosBack(row: Int, col: Int, frame: Frame, size: Size) -> UInt64? {
        let layout = DashboardRenderer.layout(frame, size: size)
        guard layout.kind == .full else { return nil }
        let panel = layout.loop
        // Inside the box (border 1, padding 1); line 0 holds the lag figures.
        let inner = Rect(row: panel.row + 1, col: panel.col + 2, rows: panel.rows - 2, cols: panel.cols - 4)
        let extra = inner.rows >= 4 ? 1 : 0
        let graphRows = max(0, inner.rows - 2 - extra)
        let labelWidth = inner.cols >= 24 ? 9 : 0
        let graphCols = inner.cols - labelWidth
        guard graphRows > 0, graphCols > 0, row > inner.row, row <= inner.row + graphRows,
              col >= inner.col, col < inner.col + graphCols else { return nil }
        let cellsBack = inner.col + graphCols - 1 - col
        // One history value per source frame: 10 a second.
        return UInt64(cellsBack * frame.samplesPerCell(width: graphCols)) * 100_000_000
    }
}
