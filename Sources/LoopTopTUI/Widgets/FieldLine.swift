/// A line of "label value" figures that fits its width: it tries the long
/// labels, then the short ones, then drops figures from the end, so what is
/// shown is always whole ("failed 0", never "fai…").
public struct FieldLine: LineWidget {
    public struct Field {
        public var label: String
        public var short: String
        public var value: String
        public var valueStyle: Style
        public init(_ label: String, short: String? = nil, _ value: String, _ valueStyle: Style = .text) {
            self.label = label
            self.short = short ?? label
            self.value = value
            self.valueStyle = valueStyle
        }
    }

    public var fields: [Field]
    public var labelStyle: Style

    public init(_ fields: [Field], labelStyle: Style = .dim) {
        self.fields = fields
        self.labelStyle = labelStyle
    }

    /// The spans that fit in `cols`.
    public func spans(fitting cols: Int) -> [Span] {
        for (short, gap) in [(false, "  "), (true, "  "), (true, " ")] {
            let all = spans(short: short, gap: gap, count: fields.count)
            if width(all) <= cols { return all }
        }
        var count = fields.count
        while count > 0 {
            let some = spans(short: true, gap: " ", count: count)
            if width(some) <= cols { return some }
            count -= 1
        }
        return []
    }

    public func render(_ canvas: Canvas, row: Int = 0) {
        TextLine(spans(fitting: canvas.cols)).render(canvas, row: row)
    }

    private func spans(short: Bool, gap: String, count: Int) -> [Span] {
        var out: [Span] = []
        for (i, field) in fields.prefix(count).enumerated() {
            let label = short ? field.short : field.label
            let lead = i == 0 ? "" : gap
            if !label.isEmpty { out.append(Span(lead + label + " ", labelStyle)) } else if !lead.isEmpty { out.append(Span(lead)) }
            out.append(Span(field.value, field.valueStyle))
        }
        return out
    }

    private func width(_ spans: [Span]) -> Int { spans.reduce(0) { $0 + TextWidth.width(of: $1.text) } }
}
