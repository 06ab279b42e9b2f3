/// A color as red, green and blue, 0–255 each.
public struct RGB: Sendable, Hashable, CustomStringConvertible {
    public var r: UInt8
    public var g: UInt8
    public var b: UInt8

    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) {
        self.r = r
        self.g = g
        self.b = b
    }

    /// From 0xRRGGBB.
    public init(hex: UInt32) {
        self.init(UInt8((hex >> 16) & 0xFF), UInt8((hex >> 8) & 0xFF), UInt8(hex & 0xFF))
    }

    public var hex: UInt32 { UInt32(r) << 16 | UInt32(g) << 8 | UInt32(b) }

    /// "#rrggbb".
    public var description: String {
        let digits = Array("0123456789abcdef")
        return "#" + [r, g, b].map { String(digits[Int($0 >> 4)]) + String(digits[Int($0 & 15)]) }.joined()
    }

    /// Squared distance, weighted the way the eye weighs the channels (a
    /// cheap stand-in for a perceptual distance that picks well among the
    /// 256 colors).
    func distance(to o: RGB) -> Int {
        let dr = Int(r) - Int(o.r), dg = Int(g) - Int(o.g), db = Int(b) - Int(o.b)
        let meanR = (Int(r) + Int(o.r)) / 2
        // (Swift's >> binds tighter than *: the products are parenthesized.)
        return (((512 + meanR) * dr * dr) >> 8) + 4 * dg * dg + (((767 - meanR) * db * db) >> 8)
    }

    /// The color `t` of the way (0…1) from `self` to `o`.
    func mixed(with o: RGB, _ t: Double) -> RGB {
        func lerp(_ a: UInt8, _ b: UInt8) -> UInt8 { UInt8((Double(a) + (Double(b) - Double(a)) * t).rounded()) }
        return RGB(lerp(r, o.r), lerp(g, o.g), lerp(b, o.b))
    }

    /// Lightness and chroma, 0…1 each.
    var lightness: Double { (Double(max(r, g, b)) + Double(min(r, g, b))) / 510 }
    var chroma: Double { Double(max(r, g, b) - min(r, g, b)) / 255 }

    /// Saturation as HSL has it, 0…1.
    var saturation: Double {
        let l = lightness
        let room = 1 - abs(2 * l - 1)
        return room <= 0 ? 0 : min(1, chroma / room)
    }

    /// Near enough to a gray that eight colors should show it as one: little
    /// color at all, or a pale or deep tint (Nord's snow, gruvbox's cream).
    var isGrayish: Bool {
        let l = lightness
        return chroma < 0.1 || saturation < 0.15 || (chroma < 0.25 && (l > 0.75 || l < 0.2)) || l < 0.08 || l > 0.95
    }

    /// Hue in degrees, 0..<360.
    var hue: Double {
        let rf = Double(r) / 255, gf = Double(g) / 255, bf = Double(b) / 255
        let mx = max(rf, gf, bf), mn = min(rf, gf, bf), c = mx - mn
        guard c > 0 else { return 0 }
        var h: Double
        if mx == rf { h = ((gf - bf) / c).truncatingRemainder(dividingBy: 6) } else if mx == gf { h = (bf - rf) / c + 2 } else { h = (rf - gf) / c + 4 }
        h *= 60
        return h < 0 ? h + 360 : h
    }
}

/// Where the 256 colors are and which of them is nearest to a color.
public enum ColorTable {
    /// The levels of the 6×6×6 color cube (indices 16–231).
    static let cube: [UInt8] = [0, 95, 135, 175, 215, 255]

    /// The usual (xterm) value of a 256-color index. The first 16 are the
    /// terminal's own to choose; these are xterm's defaults.
    public static func rgb(ofIndex n: UInt8) -> RGB {
        switch n {
        case 0..<16:
            let ansi: [UInt32] = [0x000000, 0xcd0000, 0x00cd00, 0xcdcd00, 0x0000ee, 0xcd00cd, 0x00cdcd, 0xe5e5e5,
                                  0x7f7f7f, 0xff0000, 0x00ff00, 0xffff00, 0x5c5cff, 0xff00ff, 0x00ffff, 0xffffff]
            return RGB(hex: ansi[Int(n)])
        case 16..<232:
            let i = Int(n) - 16
            return RGB(cube[i / 36], cube[i / 6 % 6], cube[i % 6])
        default:
            let v = UInt8(8 + 10 * (Int(n) - 232))
            return RGB(v, v, v)
        }
    }

    /// The nearest of the cube and gray ramp (16–255): the first 16 are left
    /// out, since each terminal sets them its own way.
    public static func nearest256(_ c: RGB) -> UInt8 {
        func level(_ v: UInt8) -> Int {
            var best = 0
            for (i, l) in cube.enumerated() where abs(Int(l) - Int(v)) < abs(Int(cube[best]) - Int(v)) { best = i }
            return best
        }
        let cubeIndex = UInt8(16 + 36 * level(c.r) + 6 * level(c.g) + level(c.b))
        let mean = (Int(c.r) + Int(c.g) + Int(c.b)) / 3
        let below = min(23, max(0, (mean - 8) / 10))
        // The two grays either side of the mean, and the cube's color: the nearest wins.
        let candidates = [cubeIndex, UInt8(232 + below), UInt8(232 + min(23, below + 1))]
        return candidates.min { rgb(ofIndex: $0).distance(to: c) < rgb(ofIndex: $1).distance(to: c) }!
    }

    /// The nearest of the eight basic colors, by hue, for a foreground over
    /// `background` (nil: the terminal's own). Grays become the terminal's
    /// own foreground (dimmed when mid-gray) over its own background, and
    /// black or white (dimmed when mid-gray) over a set one, whichever shows.
    public static func nearest8(_ c: RGB, over background: UInt8?) -> (color: Color, attributes: Attributes) {
        let l = c.lightness
        if c.isGrayish {
            switch background {
            case nil:
                if l < 0.12 { return (.black, []) }
                return (.terminalDefault, l < 0.62 ? .dim : [])
            case 7?:
                return (.black, l > 0.45 ? .dim : [])
            default:
                if l < 0.12 && background != 0 { return (.black, []) }
                return (.white, l < 0.62 ? .dim : [])
            }
        }
        return (basicHue(c), [])
    }

    /// The nearest of the eight basic colors as a background: black or white
    /// for grays, else by hue.
    public static func nearest8Background(_ c: RGB) -> UInt8 {
        let l = c.lightness
        if c.isGrayish { return l < 0.5 ? 0 : 7 }
        guard case .basic(let n) = basicHue(c) else { return 0 }
        return n
    }

    static func basicHue(_ c: RGB) -> Color {
        switch c.hue {
        case 20..<70: .yellow
        case 70..<160: .green
        case 160..<200: .cyan
        case 200..<265: .blue
        case 265..<335: .magenta
        default: .red
        }
    }
}
