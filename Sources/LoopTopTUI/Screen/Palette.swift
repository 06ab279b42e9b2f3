import LoopTopEngine

/// A terminal color.
public enum Color: Sendable, Hashable {
    /// The terminal's own foreground or background.
    case terminalDefault
    /// One of the eight basic colors (0 black … 7 white), as `COLOR_*` numbers.
    case basic(UInt8)
    /// An entry of the 256-color table.
    case indexed(UInt8)
    /// A 24-bit color, drawn as it is only where the terminal can set one.
    case rgb(RGB)

    public static let black = Color.basic(0), red = Color.basic(1), green = Color.basic(2),
        yellow = Color.basic(3), blue = Color.basic(4), magenta = Color.basic(5), cyan = Color.basic(6),
        white = Color.basic(7)

    /// Its red, green and blue (xterm's values for the table's colors); nil
    /// for the terminal's own.
    public var rgbValue: RGB? {
        switch self {
        case .terminalDefault: nil
        case .basic(let n): ColorTable.rgb(ofIndex: n & 7)
        case .indexed(let n): ColorTable.rgb(ofIndex: n)
        case .rgb(let c): c
        }
    }
}

/// How many colors the terminal can show, as the palette uses them.
public enum ColorDepth: String, Sendable, CaseIterable {
    /// No color: meaning rides on bold, dim, reverse and underline.
    case monochrome
    /// The eight basic colors.
    case basic
    /// The 256-color table.
    case indexed256
    /// Any 24-bit color.
    case truecolor

    /// The depth to use: `NO_COLOR` (any non-empty value, see no-color.org)
    /// wins; then what the terminal reports. Truecolor needs a terminal
    /// that takes 24-bit colors directly (`colors` ≥ 2^24, a terminfo entry
    /// with RGB), or `COLORTERM=truecolor` (or `24bit`) and a terminal
    /// whose colors can be redefined.
    public static func detect(environment: [String: String], hasColors: Bool, colors: Int,
                              canChangeColor: Bool = false) -> ColorDepth {
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return .monochrome }
        guard hasColors else { return .monochrome }
        if colors >= 1 << 24 { return .truecolor }
        let colorTerm = environment["COLORTERM"]?.lowercased()
        if colors >= 256, canChangeColor, colorTerm == "truecolor" || colorTerm == "24bit" { return .truecolor }
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

/// Maps meanings (``Role``) to looks for one color depth: a ``Theme``'s
/// colors brought down to what the terminal shows.
///
/// The default theme is compiled in, so the program needs no files.
public struct Palette: Sendable, Equatable {
    public var depth: ColorDepth
    private var looks: [Role: Look]
    /// Background of the selected row.
    public var highlight: Color
    /// Behind everything (the screen is cleared to it).
    public var background: Color

    public init(depth: ColorDepth, looks: [Role: Look], highlight: Color, background: Color = .terminalDefault) {
        self.depth = depth
        self.looks = looks
        self.highlight = highlight
        self.background = background
    }

    /// How `style` looks: the role's look plus the style's own attributes.
    /// Without color, a highlight becomes reverse video.
    public func look(for style: Style) -> Look {
        var look = looks[style.role] ?? Look(.terminalDefault, background)
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

    /// The built-in (default theme's) palette for a color depth.
    public static func standard(for depth: ColorDepth) -> Palette { Palette(theme: .default, depth: depth) }

    /// `theme`'s colors at `depth`: truecolor as written; else each color
    /// becomes the nearest of 256, or of 8 (grays turn into the terminal's
    /// own colors or black and white, mid-grays dimmed); without color the
    /// theme is set aside and meaning rides on attributes alone.
    public init(theme: Theme, depth: ColorDepth) {
        guard depth != .monochrome else {
            self = Self.monochrome
            return
        }
        let background = Self.quantizeBackground(theme.color(.background), depth: depth)
        var basicBackground: UInt8?
        if case .basic(let n) = background { basicBackground = n }
        func look(_ color: Color, _ role: ThemeRole) -> Look {
            let (fg, extra) = Self.quantize(color, depth: depth, over: basicBackground)
            return Look(fg, background, role.attributes.union(extra))
        }
        var looks: [Role: Look] = [:]
        for role in ThemeRole.allCases {
            guard let target = role.role else { continue }
            looks[target] = look(theme.color(role), role)
        }
        for gradient in Gradient.allCases {
            for step in 0...Gradient.top {
                let color = theme.gradientColor(gradient, at: Double(step) / Double(Gradient.top))
                looks[.gradient(gradient, step)] = look(color, .graph)
            }
        }
        var highlight = Self.quantizeBackground(theme.color(.selectionBackground), depth: depth)
        if depth == .basic, highlight == .black || highlight == .white || highlight == background {
            // A gray highlight at eight colors would vanish into the background.
            highlight = background == .blue ? .cyan : .blue
        }
        self.init(depth: depth, looks: looks, highlight: highlight, background: background)
    }

    /// `color` as a foreground at `depth`, with any attribute that stands in
    /// for what the depth lost (dim for a mid-gray at eight colors).
    public static func quantize(_ color: Color, depth: ColorDepth, over background: UInt8? = nil) -> (Color, Attributes) {
        switch (depth, color) {
        case (.monochrome, _): return (.terminalDefault, [])
        case (_, .terminalDefault), (.truecolor, _), (.indexed256, .basic), (.indexed256, .indexed), (.basic, .basic):
            return (color, [])
        case (.indexed256, .rgb(let c)): return (.indexed(ColorTable.nearest256(c)), [])
        case (.basic, .indexed(let n)) where n < 16: return (.basic(n & 7), [])
        case (.basic, .indexed), (.basic, .rgb):
            return ColorTable.nearest8(color.rgbValue!, over: background)
        }
    }

    /// `color` as a background at `depth`.
    public static func quantizeBackground(_ color: Color, depth: ColorDepth) -> Color {
        switch (depth, color) {
        case (.monochrome, _): return .terminalDefault
        case (_, .terminalDefault), (.truecolor, _), (.indexed256, .basic), (.indexed256, .indexed), (.basic, .basic):
            return color
        case (.indexed256, .rgb(let c)): return .indexed(ColorTable.nearest256(c))
        case (.basic, .indexed(let n)) where n < 16: return .basic(n & 7)
        case (.basic, .indexed), (.basic, .rgb): return .basic(ColorTable.nearest8Background(color.rgbValue!))
        }
    }

    /// No color at all: bold for what matters, dim for what does not,
    /// reverse for alarms, underline for the states in between.
    static let monochrome: Palette = {
        let plain = Look(), bold = Look(.terminalDefault, .terminalDefault, .bold)
        let dim = Look(.terminalDefault, .terminalDefault, .dim)
        let alarm = Look(.terminalDefault, .terminalDefault, [.bold, .reverse])
        let between = Look(.terminalDefault, .terminalDefault, .underline)
        var looks: [Role: Look] = [
            .text: plain, .dim: dim, .title: bold, .border: plain, .header: bold, .ok: plain, .warn: bold,
            .critical: alarm, .selection: bold, .key: bold, .graph: plain,
            .workerState(.starting): between, .workerState(.idle): dim, .workerState(.running): bold,
            .workerState(.stopping): between, .workerState(.exited): dim, .workerState(.failed): alarm,
            .jobOutcome(.completed): plain, .jobOutcome(.failed): alarm, .jobOutcome(.cancelled): bold,
            .jobOutcome(.rejected): bold,
        ]
        for gradient in Gradient.allCases {
            for step in 0...Gradient.top {
                // The top of a lag or queue graph is an alarm; activity is just ink.
                let high = gradient != .activity && step == Gradient.top
                looks[.gradient(gradient, step)] = high ? bold : plain
            }
        }
        return Palette(depth: .monochrome, looks: looks, highlight: .terminalDefault)
    }()
}
