import LoopTopEngine

/// A terminal color.
public enum Color: Sendable, Hashable {
    /// The terminal's own foreground or background.
    case terminalDefault
    /// One of the eight basic colors (0 black … 7 white), as `COLOR_*` numbers.
    case basic(UInt8)
    /// An entry of the 256-color table.
    case indexed(UInt8)

    public static let black = Color.basic(0), red = Color.basic(1), green = Color.basic(2),
        yellow = Color.basic(3), blue = Color.basic(4), magenta = Color.basic(5), cyan = Color.basic(6),
        white = Color.basic(7)
}

/// How many colors the terminal can show, as the palette uses them.
public enum ColorDepth: String, Sendable, CaseIterable {
    /// No color: meaning rides on bold, dim, reverse and underline.
    case monochrome
    /// The eight basic colors.
    case basic
    /// The 256-color table.
    case indexed256

    /// The depth to use: `NO_COLOR` (any non-empty value, see no-color.org)
    /// wins; then what the terminal reports.
    public static func detect(environment: [String: String], hasColors: Bool, colors: Int) -> ColorDepth {
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return .monochrome }
        guard hasColors else { return .monochrome }
        if colors >= 256 { return .indexed256 }
        if colors >= 8 { return .basic }
        return .monochrome
    }
}

/// How one style looks on the terminal: colors plus attributes.
public struct Look: Sendable, Hashable {
    public var foreground: Color
    public var background: Color
    public var attributes: Attributes

    public init(_ foreground: Color = .terminalDefault, _ background: Color = .terminalDefault,
                _ attributes: Attributes = []) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }
}

/// Maps meanings (``Role``) to looks for one color depth.
///
/// The default palette is compiled in, so the program needs no files; TOML
/// themes (a later issue) will build a `Palette` from a file the same way.
public struct Palette: Sendable {
    public var depth: ColorDepth
    private var looks: [Role: Look]
    /// Background of the selected row.
    public var highlight: Color

    public init(depth: ColorDepth, looks: [Role: Look], highlight: Color) {
        self.depth = depth
        self.looks = looks
        self.highlight = highlight
    }

    /// How `style` looks: the role's look plus the style's own attributes.
    /// Without color, a highlight becomes reverse video.
    public func look(for style: Style) -> Look {
        var look = looks[style.role] ?? Look()
        look.attributes.formUnion(style.attributes)
        if look.attributes.contains(.highlight) {
            look.attributes.remove(.highlight)
            if depth == .monochrome {
                look.attributes.insert(.reverse)
            } else {
                look.background = highlight
            }
        }
        return look
    }

    /// The built-in palette for a color depth.
    public static func standard(for depth: ColorDepth) -> Palette {
        switch depth {
        case .indexed256: return indexed256
        case .basic: return basic
        case .monochrome: return monochrome
        }
    }

    static let indexed256 = Palette(depth: .indexed256, looks: [
        .text: Look(),
        .dim: Look(.indexed(245)),
        .title: Look(.indexed(81), .terminalDefault, .bold),
        .border: Look(.indexed(240)),
        .header: Look(.indexed(252), .terminalDefault, .bold),
        .ok: Look(.indexed(114)),
        .warn: Look(.indexed(221)),
        .critical: Look(.indexed(203), .terminalDefault, .bold),
        .selection: Look(.indexed(231), .terminalDefault, .bold),
        .key: Look(.indexed(222), .terminalDefault, .bold),
        .graph: Look(.indexed(110)),
        .workerState(.starting): Look(.indexed(117)),
        .workerState(.idle): Look(.indexed(245)),
        .workerState(.running): Look(.indexed(114), .terminalDefault, .bold),
        .workerState(.stopping): Look(.indexed(221)),
        .workerState(.exited): Look(.indexed(240)),
        .workerState(.failed): Look(.indexed(203), .terminalDefault, .bold),
    ], highlight: .indexed(237))

    static let basic = Palette(depth: .basic, looks: [
        .text: Look(),
        .dim: Look(.terminalDefault, .terminalDefault, .dim),
        .title: Look(.cyan, .terminalDefault, .bold),
        .border: Look(.blue),
        .header: Look(.terminalDefault, .terminalDefault, .bold),
        .ok: Look(.green),
        .warn: Look(.yellow),
        .critical: Look(.red, .terminalDefault, .bold),
        .selection: Look(.white, .terminalDefault, .bold),
        .key: Look(.yellow, .terminalDefault, .bold),
        .graph: Look(.cyan),
        .workerState(.starting): Look(.cyan),
        .workerState(.idle): Look(.terminalDefault, .terminalDefault, .dim),
        .workerState(.running): Look(.green, .terminalDefault, .bold),
        .workerState(.stopping): Look(.yellow),
        .workerState(.exited): Look(.terminalDefault, .terminalDefault, .dim),
        .workerState(.failed): Look(.red, .terminalDefault, .bold),
    ], highlight: .blue)

    /// No color at all: bold for what matters, dim for what does not,
    /// reverse for alarms, underline for the states in between.
    static let monochrome = Palette(depth: .monochrome, looks: [
        .text: Look(),
        .dim: Look(.terminalDefault, .terminalDefault, .dim),
        .title: Look(.terminalDefault, .terminalDefault, .bold),
        .border: Look(),
        .header: Look(.terminalDefault, .terminalDefault, .bold),
        .ok: Look(),
        .warn: Look(.terminalDefault, .terminalDefault, .bold),
        .critical: Look(.terminalDefault, .terminalDefault, [.bold, .reverse]),
        .selection: Look(.terminalDefault, .terminalDefault, .bold),
        .key: Look(.terminalDefault, .terminalDefault, .bold),
        .graph: Look(),
        .workerState(.starting): Look(.terminalDefault, .terminalDefault, .underline),
        .workerState(.idle): Look(.terminalDefault, .terminalDefault, .dim),
        .workerState(.running): Look(.terminalDefault, .terminalDefault, .bold),
        .workerState(.stopping): Look(.terminalDefault, .terminalDefault, .underline),
        .workerState(.exited): Look(.terminalDefault, .terminalDefault, .dim),
        .workerState(.failed): Look(.terminalDefault, .terminalDefault, [.bold, .reverse]),
    ], highlight: .terminalDefault)
}
