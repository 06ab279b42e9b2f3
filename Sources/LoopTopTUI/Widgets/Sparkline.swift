/// A small graph of recent values, newest on the right, one column per cell
/// (or per few samples), in one or more rows of block characters.
///
/// ```
/// ▁▁▂▃▅▇▆▄▂▁      (ASCII: __.-=*+~._)
/// ```
public struct Sparkline {
    /// How the samples that share a cell become one value.
    public enum Reduce: Sendable { case max, mean }

    /// How each column is colored.
    public enum Ink: Sendable {
        case fixed(Style)
        /// .ok below `warn`, .warn below `critical`, .critical above (by the column's value).
        case thresholds(warn: Double, critical: Double)
        /// A step of the theme's gradient: the start at 0, the mid at `warn`,
        /// the end at `critical` and above (linear between).
        case gradient(Gradient, warn: Double, critical: Double, attributes: Attributes = [])
        func style(for value: Double) -> Style {
            switch self {
            case .fixed(let style): style
            case .thresholds(let warn, let critical):
                value >= critical ? .critical : value >= warn ? .warn : .ok
            case .gradient(let gradient, let warn, let critical, let attributes):
                Style(.gradient(gradient, Self.step(value, warn: warn, critical: critical)), attributes)
            }
        }

        /// The gradient step of `value`: 0 at 0, the middle step at `warn`, the top at `critical`.
        static func step(_ value: Double, warn: Double, critical: Double) -> UInt8 {
            guard value.isFinite, value > 0, warn > 0, critical > warn else { return 0 }
            let position = value <= warn ? 0.5 * value / warn
                : min(1, 0.5 + 0.5 * (value - warn) / (critical - warn))
            return UInt8((position * Double(Gradient.top)).rounded())
        }
    }

    public var values: [Double]
    /// The value of a full column; nil scales to the largest value shown.
    public var maxValue: Double?
    /// With automatic scale, the scale is at least this (so noise stays low).
    public var minScale: Double
    /// Samples per column: 10 shows a minute of 10-per-second samples in 60 cells.
    public var samplesPerCell: Int
    public var reduce: Reduce
    public var ink: Ink

    public init(_ values: [Double], maxValue: Double? = nil, minScale: Double = 0, samplesPerCell: Int = 1,
                reduce: Reduce = .max, ink: Ink = .fixed(.graph)) {
        self.values = values
        self.maxValue = maxValue
        self.minScale = minScale
        self.samplesPerCell = max(1, samplesPerCell)
        self.reduce = reduce
        self.ink = ink
    }

    /// The per-column values, newest last, at most `columns` of them.
    public func columns(_ columns: Int) -> [Double] {
        guard columns > 0, !values.isEmpty else { return [] }
        let k = samplesPerCell
        var out: [Double] = []
        var end = values.count
        // Buckets are cut from the newest end, so the newest column is always whole.
        while end > 0 && out.count < columns {
            let start = max(0, end - k)
            let slice = values[start..<end]
            let finite = slice.filter(\.isFinite)
            let value: Double
            switch reduce {
            case .max: value = finite.max() ?? 0
            case .mean: value = finite.isEmpty ? 0 : finite.reduce(0, +) / Double(finite.count)
            }
            out.append(max(0, value))
            end = start
        }
        return out.reversed()
    }

    /// The scale used for `columns`: a column of this value is full.
    public func scale(for columns: [Double]) -> Double {
        if let maxValue, maxValue > 0 { return maxValue }
        return Swift.max(columns.max() ?? 0, minScale, .leastNonzeroMagnitude)
    }

    public func render(_ canvas: Canvas) {
        let height = canvas.rows
        guard height > 0, canvas.cols > 0 else { return }
        let cols = columns(canvas.cols)
        let scale = scale(for: cols)
        let levels = canvas.glyphs.spark
        let steps = levels.count * height
        let first = canvas.cols - cols.count
        for (i, value) in cols.enumerated() {
            let fraction = Swift.min(1, value / scale)
            // Every sample shows at least the lowest level, so "0" reads as a line, not a gap.
            let n = Swift.max(1, Int((fraction * Double(steps)).rounded(.up)))
            let style = ink.style(for: value)
            for r in 0..<height {
                let inCell = Swift.min(levels.count, Swift.max(0, n - r * levels.count))
                guard inCell > 0 else { continue }
                canvas.put(String(levels[inCell - 1]), row: height - 1 - r, col: first + i, style: style)
            }
        }
    }
}
