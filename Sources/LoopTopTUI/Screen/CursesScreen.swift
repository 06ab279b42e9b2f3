import CNcurses
#if canImport(Glibc)
import Glibc
#endif

/// The real terminal, through ncursesw. Only the thread that made it may use it
/// (curses is not thread-safe); the dashboard's UI thread owns it.
///
/// Each frame is `clear()`, then `put`s into curses' virtual screen, then one
/// `present()` that sends only the cells that changed: no flicker.
public final class CursesScreen: Screen {
    public private(set) var palette: Palette
    /// The theme the palette comes from.
    public private(set) var theme: Theme
    /// Whether text goes out as UTF-8; if not, box lines use the terminal's
    /// line-drawing set and other non-ASCII characters become "?".
    public let unicode: Bool
    private let window: UnsafeMutablePointer<WINDOW>
    private let screen: OpaquePointer
    private var pairs: [PairKey: Int32] = [:]
    private var nextPair: Int32 = 1
    private let maxPairs: Int32
    private let defaultColors: Bool
    private var ended = false

    private struct PairKey: Hashable { var fg: Int32; var bg: Int32 }
    /// The terminal takes 24-bit colors as color numbers (a terminfo entry with RGB).
    private let directColor: Bool
    /// Colors redefined for truecolor on a terminal that can change its
    /// colors, by value; the slots are taken from 16 up.
    private var rgbSlots: [UInt32: Int32] = [:]
    private var nextSlot: Int32 = 16
    /// Redefining a color failed once: the nearest of 256 from then on.
    private var cannotRedefine = false

    /// Starts curses on the terminal (stdin/stdout). Returns nil if the
    /// terminal cannot be driven (unknown TERM).
    ///
    /// The caller has already called `setlocale(LC_ALL, "")`.
    /// - Parameter theme: the colors; brought down to what the terminal shows
    ///   (`colorDepth`, or detected: `NO_COLOR`, `COLORTERM`, terminfo).
    public init?(colorDepth: ColorDepth? = nil, unicode: Bool, environment: [String: String], theme: Theme = .default) {
        guard let screen = looptop_newterm() else { return nil }
        self.screen = screen
        set_term(screen)
        guard let window = looptop_stdscr() else { return nil }
        self.window = window
        self.unicode = unicode
        cbreak()
        noecho()
        nonl()
        keypad(window, true)
        nodelay(window, true)
        leaveok(window, true)
        scrollok(window, false)
        set_escdelay(25)
        looptop_mouse_on()
        curs_set(0)
        var usesDefaults = false
        if has_colors() {
            start_color()
            usesDefaults = use_default_colors() == OK
        }
        defaultColors = usesDefaults
        maxPairs = Int32(looptop_color_pairs())
        directColor = looptop_colors() >= 1 << 24
        var depth = colorDepth ?? ColorDepth.detect(environment: environment, hasColors: has_colors(),
                                                     colors: Int(looptop_colors()), canChangeColor: can_change_color())
        if !has_colors() { depth = .monochrome }
        // Asked for truecolor where it cannot be set: the nearest of 256 instead.
        if depth == .truecolor && !directColor && !(can_change_color() && looptop_colors() >= 256) {
            depth = looptop_colors() >= 256 ? .indexed256 : .basic
        }
        self.theme = theme
        palette = Palette(theme: theme, depth: depth)
        applyBackground()
    }

    /// Shows `theme` from the next frame on, at the same color depth.
    public func setTheme(_ theme: Theme) {
        self.theme = theme
        palette = Palette(theme: theme, depth: palette.depth)
        // Pairs and redefined colors are made afresh for the new colors.
        pairs.removeAll()
        nextPair = 1
        rgbSlots.removeAll()
        nextSlot = 16
        applyBackground()
        clearok(window, true)
    }

    /// Clears to the theme's background (pair 0, the terminal's own, when it has none).
    private func applyBackground() {
        let pair = palette.depth == .monochrome ? 0 : pairNumber(palette.look(for: .text).foreground, palette.background)
        looptop_background(window, pair)
    }

    deinit { end() }

    /// Gives the terminal back: normal screen, cursor visible, echo on.
    public func end() {
        guard !ended else { return }
        ended = true
        endwin()
        delscreen(screen)
    }

    public var size: Size { Size(rows: Int(getmaxy(window)), cols: Int(getmaxx(window))) }

    /// The terminal's size as the kernel reports it now (may differ from
    /// ``size`` until ``resize()`` is called).
    public var kernelSize: Size {
        var rows: Int32 = 0
        var cols: Int32 = 0
        guard looptop_window_size(STDOUT_FILENO, &rows, &cols) == 0 else { return size }
        return Size(rows: Int(rows), cols: Int(cols))
    }

    /// Takes a new terminal size (after SIGWINCH), re-read from the kernel.
    public func resize() {
        var rows: Int32 = 0
        var cols: Int32 = 0
        if looptop_window_size(STDOUT_FILENO, &rows, &cols) == 0 {
            resizeterm(rows, cols)
        }
        // Everything is redrawn from scratch on the next present.
        clearok(window, true)
    }

    /// The next key, or nil if none is waiting.
    public func readKey() -> Int32? {
        let key = wgetch(window)
        return key == ERR ? nil : key
    }

    /// The cell of the left-button press a KEY_MOUSE reported, if it was one.
    public func mouseClick() -> (row: Int, col: Int)? {
        var row: Int32 = 0, col: Int32 = 0
        return looptop_mouse_click(&row, &col) == 0 ? (Int(row), Int(col)) : nil
    }

    public func clear() { werase(window) }

    public func present() { wrefresh(window) }

    public func put(_ text: String, row: Int, col: Int, style: Style) {
        let size = self.size
        guard row >= 0, row < size.rows, col < size.cols else { return }
        setLook(palette.look(for: style))
        // Printable ASCII (most of a frame): the bytes as they are, cut to
        // the screen, with no walk by Characters.
        if TextWidth.isPrintableASCII(text) {
            let skip = max(0, -col)
            let bytes = text.utf8
            let room = size.cols - max(0, col)
            guard bytes.count > skip, room > 0 else { return }
            var line = Array(bytes.dropFirst(skip).prefix(room))
            line.append(0)
            line.withUnsafeBufferPointer { p in
                p.withMemoryRebound(to: CChar.self) { chars in
                    _ = mvwaddnstr(window, Int32(row), Int32(max(0, col)), chars.baseAddress, Int32(chars.count - 1))
                }
            }
            return
        }
        // Borders and sparklines, on a terminal that shows them: a cell a
        // scalar (see ``TextWidth/isSimpleNarrow(_:)``), in one call.
        if unicode, TextWidth.isSimpleNarrow(text) {
            let skip = max(0, -col)
            let room = size.cols - max(0, col)
            guard room > 0 else { return }
            var line = text.unicodeScalars.dropFirst(skip).prefix(room).map { wchar_t(bitPattern: $0.value) }
            guard !line.isEmpty else { return }
            line.append(0)
            _ = mvwaddwstr(window, Int32(row), Int32(max(0, col)), line)
            return
        }
        var c = col
        var run: [wchar_t] = []
        var runStart = col
        func flush() {
            guard !run.isEmpty else { return }
            run.append(0)
            _ = mvwaddwstr(window, Int32(row), Int32(runStart), run)
            run.removeAll(keepingCapacity: true)
        }
        for character in TextWidth.sanitized(text) {
            let w = TextWidth.width(of: character)
            // Never let curses wrap: stop at the last column.
            if c + w > size.cols { break }
            if c < 0 {
                c += w
                runStart = c
                continue
            }
            if !unicode, let acs = Self.acs(for: character) {
                flush()
                _ = mvwaddch(window, Int32(row), Int32(c), acs)
                c += w
                runStart = c
                continue
            }
            if unicode {
                for scalar in character.unicodeScalars { run.append(wchar_t(bitPattern: scalar.value)) }
            } else {
                let scalar = character.unicodeScalars.first!
                run.append(scalar.isASCII ? wchar_t(bitPattern: scalar.value) : wchar_t(UInt8(ascii: "?")))
            }
            c += unicode ? w : 1
        }
        flush()
    }

    private static func acs(for character: Character) -> chtype? {
        switch character {
        case "─": looptop_acs(CChar(UInt8(ascii: "q")))
        case "│": looptop_acs(CChar(UInt8(ascii: "x")))
        case "┌": looptop_acs(CChar(UInt8(ascii: "l")))
        case "┐": looptop_acs(CChar(UInt8(ascii: "k")))
        case "└": looptop_acs(CChar(UInt8(ascii: "m")))
        case "┘": looptop_acs(CChar(UInt8(ascii: "j")))
        case "├": looptop_acs(CChar(UInt8(ascii: "t")))
        case "┤": looptop_acs(CChar(UInt8(ascii: "u")))
        case "┬": looptop_acs(CChar(UInt8(ascii: "w")))
        case "┴": looptop_acs(CChar(UInt8(ascii: "v")))
        case "┼": looptop_acs(CChar(UInt8(ascii: "n")))
        default: nil
        }
    }

    private func setLook(_ look: Look) {
        var attrs = looptop_a_normal()
        if look.attributes.contains(.bold) { attrs |= looptop_a_bold() }
        if look.attributes.contains(.dim) { attrs |= looptop_a_dim() }
        if look.attributes.contains(.reverse) { attrs |= looptop_a_reverse() }
        if look.attributes.contains(.underline) { attrs |= looptop_a_underline() }
        let pair = palette.depth == .monochrome ? 0 : pairNumber(look.foreground, look.background)
        _ = looptop_set_extended_pair(pair, attrs)
    }

    private func pairNumber(_ fg: Color, _ bg: Color) -> Int32 {
        let key = PairKey(fg: colorNumber(fg, foreground: true), bg: colorNumber(bg, foreground: false))
        if key.fg == -1 && key.bg == -1 { return 0 }
        if let pair = pairs[key] { return pair }
        // Out of pairs (never with the built-in palette): fall back to the default.
        guard nextPair < maxPairs else { return 0 }
        let pair = nextPair
        nextPair += 1
        init_extended_pair(pair, key.fg, key.bg)
        pairs[key] = pair
        return pair
    }

    private func colorNumber(_ color: Color, foreground: Bool) -> Int32 {
        switch color {
        case .terminalDefault: return defaultColors ? -1 : (foreground ? Int32(COLOR_WHITE) : Int32(COLOR_BLACK))
        case .basic(let n): return Int32(n & 7)
        case .indexed(let n):
            // At truecolor the table's colors go out as values too (a direct-color
            // terminal reads numbers from 8 up as RGB; redefined slots start at 16).
            if palette.depth == .truecolor && n >= (directColor ? 8 : 16) {
                return rgbNumber(ColorTable.rgb(ofIndex: n))
            }
            return Int32(n)
        case .rgb(let c):
            return palette.depth == .truecolor ? rgbNumber(c) : Int32(ColorTable.nearest256(c))
        }
    }

    /// A 24-bit color's number: itself on a direct-color terminal, else a
    /// slot of the 256 redefined to it (init_extended_color), else the nearest of 256.
    private func rgbNumber(_ c: RGB) -> Int32 {
        if directColor { return Int32(max(c.hex, 8)) }  // 0–7 would be the ANSI colors
        if let slot = rgbSlots[c.hex] { return slot }
        guard !cannotRedefine, nextSlot < 256, nextSlot < looptop_colors() else { return Int32(ColorTable.nearest256(c)) }
        let scale = { (v: UInt8) in Int32((Int(v) * 1000 + 127) / 255) }
        guard init_extended_color(nextSlot, scale(c.r), scale(c.g), scale(c.b)) == OK else {
            cannotRedefine = true
            return Int32(ColorTable.nearest256(c))
        }
        rgbSlots[c.hex] = nextSlot
        nextSlot += 1
        return nextSlot - 1
    }
}
