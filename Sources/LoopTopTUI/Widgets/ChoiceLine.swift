/// A line said in a few ways, longest first: it draws the first that fits
/// its width (the last one cut with an ellipsis if none does), so a
/// sentence shortens into words rather than losing its end.
public struct ChoiceLine: LineWidget {
    public var choices: [TextLine]

    public init(_ choices: [TextLine]) {
        self.choices = choices
    }

    public func render(_ canvas: Canvas, row: Int = 0) {
        guard let last = choices.last else { return }
        (choices.first { $0.width <= canvas.cols } ?? last).render(canvas, row: row)
    }
}
