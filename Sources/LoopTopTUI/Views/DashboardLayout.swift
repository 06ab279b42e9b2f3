/// Where each part of the main view goes, for a terminal size.
///
/// - Full (at least 80×20): the sketch in DESIGN.md: loop and queue panels
///   side by side, the workers table, warnings, the event log. Taller
///   terminals give the panels and the log more lines; wider ones give the
///   graphs more columns.
/// - Compact (40×12 up to full): three summary lines (lag, its graph, the
///   queue) over a narrow workers table.
/// - Too small (under 40×12): a message saying the size needed.
///
/// A lesson's panel goes under the header: boxed in the full layout (it
/// gives up rows after the event log and before the warnings), one line in
/// the compact one.
public struct DashboardLayout: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case tooSmall, compact, full }

    public static let minimum = Size(rows: 12, cols: 40)
    public static let fullMinimum = Size(rows: 20, cols: 80)

    /// Most rows the panels grow by when the workers leave rows free.
    static let maxGraphGrowth = 3

    public var kind: Kind
    public var header = Rect(row: 0, col: 0, rows: 0, cols: 0)
    /// Full: the event loop panel. Compact: the summary lines (loop and queue).
    public var loop = Rect(row: 0, col: 0, rows: 0, cols: 0)
    /// Full only: the queue panel.
    public var queue = Rect(row: 0, col: 0, rows: 0, cols: 0)
    public var workers = Rect(row: 0, col: 0, rows: 0, cols: 0)
    /// The lesson's panel (full) or line (compact); empty without a lesson.
    public var lesson = Rect(row: 0, col: 0, rows: 0, cols: 0)
    public var warnings = Rect(row: 0, col: 0, rows: 0, cols: 0)
    public var log = Rect(row: 0, col: 0, rows: 0, cols: 0)
    public var footer = Rect(row: 0, col: 0, rows: 0, cols: 0)

    /// Rows of workers the table shows (inside its box, under its heading).
    public var workerRows: Int { max(0, workers.rows - 3) }

    /// - Parameter workers: rows the workers table has to show; rows it
    ///   does not need (keeping one for the next spawn) make the graphs taller.
    /// - Parameter lesson: rows a lesson's panel would like (border
    ///   included), 0 without a lesson; it gets what fits, at least
    ///   `lessonMinimum` in the full layout and one line in the compact one.
    public static func main(size: Size, warnings: Int, workers: Int = 0, lesson: Int = 0,
                            lessonMinimum: Int = 3) -> DashboardLayout {
        guard size.cols >= minimum.cols, size.rows >= minimum.rows else { return DashboardLayout(kind: .tooSmall) }
        let full = size.cols >= fullMinimum.cols && size.rows >= fullMinimum.rows
        var layout = DashboardLayout(kind: full ? .full : .compact)
        var rest = Rect(size)
        (layout.header, rest) = rest.splitTop(1)
        (rest, layout.footer) = rest.splitBottom(1)

        var top: Int
        var warningRows: Int
        var logRows: Int
        var lessonRows = lesson > 0 ? (full ? max(lesson, lessonMinimum) : 1) : 0
        if full {
            let inner = size.rows >= 40 ? 7 : size.rows >= 30 ? 5 : 3
            top = inner + 2
            warningRows = min(warnings, size.rows >= 30 ? 3 : 2)
            logRows = size.rows >= 30 ? 3 : size.rows >= 24 ? 2 : 1
        } else {
            top = 3
            warningRows = min(warnings, size.rows >= 16 ? 2 : 1)
            logRows = size.rows >= 16 ? 1 : 0
        }
        // The workers table keeps at least its border, heading and two rows.
        let minimumTable = 5
        func short() -> Bool { rest.rows - top - lessonRows - warningRows - logRows < minimumTable }
        while short() && logRows > 0 { logRows -= 1 }
        while short() && lessonRows > (full ? lessonMinimum : 1) { lessonRows -= 1 }
        while short() && warningRows > 0 { warningRows -= 1 }
        while short() && lessonRows > 0 { lessonRows -= 1 }

        if full {
            let spare = rest.rows - top - lessonRows - warningRows - logRows - 3 - (workers + 1)
            top += min(max(0, spare), maxGraphGrowth)
        }
        (layout.lesson, rest) = rest.splitTop(lessonRows)

        var panels: Rect
        (panels, rest) = rest.splitTop(top)
        if full {
            (layout.loop, layout.queue) = panels.splitLeft(panels.cols / 2)
        } else {
            layout.loop = panels
        }
        (rest, layout.log) = rest.splitBottom(logRows)
        (rest, layout.warnings) = rest.splitBottom(warningRows)
        layout.workers = rest
        return layout
    }
}
