import Testing
import LoopTopTUI

struct MemoryScreenTests {
    @Test func clipsAtTheEdges() {
        let screen = MemoryScreen(rows: 2, cols: 5)
        screen.put("abcdefgh", row: 0, col: 2, style: .text)
        screen.put("xyz", row: 1, col: -1, style: .text)
        screen.put("never", row: 2, col: 0, style: .text)
        screen.put("never", row: -1, col: 0, style: .text)
        #expect(screen.rows == ["  abc", "yz   "])
    }

    @Test func controlCharactersCannotMoveTheCursor() {
        let screen = MemoryScreen(rows: 1, cols: 8)
        screen.put("a\nb\u{1B}[2J", row: 0, col: 0, style: .text)
        #expect(screen.lines == ["a?b?[2J"])
    }

    @Test func wideCharactersTakeTwoCells() {
        let screen = MemoryScreen(rows: 1, cols: 5)
        screen.put("日本x", row: 0, col: 0, style: .text)
        #expect(screen.lines == ["日本x"])
        #expect(screen.cell(row: 0, col: 1)?.isContinuation == true)
        // Half a wide character at the edge is left blank.
        let edge = MemoryScreen(rows: 1, cols: 3)
        edge.put("a日本", row: 0, col: 0, style: .text)
        #expect(edge.lines == ["a日"])
        #expect(TextWidth.width(of: "日本x") == 5)
        #expect(TextWidth.truncate("日本語です", to: 5) == "日本…")
    }

    @Test func remembersStyles() {
        let screen = MemoryScreen(rows: 1, cols: 4)
        screen.put("ok", row: 0, col: 0, style: .ok)
        screen.put("!", row: 0, col: 2, style: .critical)
        #expect(screen.style(row: 0, col: 1) == .ok)
        #expect(screen.style(row: 0, col: 2) == .critical)
        #expect(screen.style(row: 0, col: 3) == .text)
        #expect(screen.style(row: 0, col: 9) == nil)
        screen.clear()
        #expect(screen.lines == [""])
    }

    @Test func canvasClipsToItsRectangle() {
        let screen = MemoryScreen(rows: 3, cols: 6, fill: ".")
        let canvas = Canvas(screen: screen, rect: Rect(row: 1, col: 1, rows: 1, cols: 3))
        canvas.put("abcdef", row: 0, col: -1, style: .text)
        canvas.put("zz", row: 1, col: 0, style: .text)
        #expect(screen.lines == ["......", ".bcd..", "......"])
    }
}

struct PaletteTests {
    @Test func noColorWins() {
        #expect(ColorDepth.detect(environment: ["NO_COLOR": "1"], hasColors: true, colors: 256) == .monochrome)
        #expect(ColorDepth.detect(environment: ["NO_COLOR": ""], hasColors: true, colors: 256) == .indexed256)
        #expect(ColorDepth.detect(environment: [:], hasColors: true, colors: 8) == .basic)
        #expect(ColorDepth.detect(environment: [:], hasColors: false, colors: 256) == .monochrome)
    }

    static let roles: [Role] = [.text, .dim, .title, .border, .header, .ok, .warn, .critical, .selection, .key, .graph]
        + [.starting, .idle, .running, .stopping, .exited, .failed].map { Role.workerState($0) }

    @Test func monochromeKeepsMeaningWithAttributes() {
        let mono = Palette.standard(for: .monochrome)
        for role in Self.roles {
            let look = mono.look(for: Style(role))
            #expect(look.foreground == .terminalDefault && look.background == .terminalDefault)
        }
        #expect(mono.look(for: .critical).attributes.contains(.reverse))
        #expect(mono.look(for: .warn).attributes.contains(.bold))
        #expect(mono.look(for: .dim).attributes.contains(.dim))
        #expect(mono.look(for: Style(.text, .highlight)).attributes.contains(.reverse))
        // Running and failed workers must not look alike, nor idle and running.
        #expect(mono.look(for: .state(.running)) != mono.look(for: .state(.failed)))
        #expect(mono.look(for: .state(.running)) != mono.look(for: .state(.idle)))
    }

    @Test func colorPalettesGiveStatesTheirOwnColors() {
        for depth in [ColorDepth.basic, .indexed256] {
            let palette = Palette.standard(for: depth)
            let running = palette.look(for: .state(.running)), failed = palette.look(for: .state(.failed))
            #expect(running.foreground != failed.foreground)
            #expect(palette.look(for: .ok).foreground != palette.look(for: .critical).foreground)
            let selected = palette.look(for: Style(.workerState(.running), .highlight))
            #expect(selected.background == palette.highlight)
            #expect(selected.foreground == running.foreground)
        }
    }
}

struct UnitsTests {
    @Test func durations() {
        #expect(Units.ms(0.08) == "0.08 ms")
        #expect(Units.ms(1.24) == "1.2 ms")
        #expect(Units.ms(812) == "812 ms")
        #expect(Units.ms(1250) == "1.25 s")
        #expect(Units.ms(0) == "0 ms")
        #expect(Units.ms(.nan) == "0 ms")
        #expect(Units.msTight(812) == "812ms")
    }

    @Test func countsRatesShares() {
        #expect(Units.count(UInt64(1204)) == "1204")
        #expect(Units.count(UInt64(123_456)) == "123.5k")
        #expect(Units.count(UInt64(4_560_000)) == "4.56M")
        #expect(Units.count(UInt64(45_600_000)) == "45.6M")
        #expect(Units.count(UInt64(456_000_000)) == "456M")
        #expect(Units.rate(40) == "40")
        #expect(Units.rate(0.5) == "0.5")
        #expect(Units.rate(2) == "2")
        #expect(Units.percent(0.956) == "96%")
        #expect(Units.ratio(0.513) == "0.51")
        #expect(Units.clock(secondsOfDay: 12 * 3600 + 67) == "12:01:07")
        #expect(Units.clock(secondsOfDay: -1) == "23:59:59")
        #expect(Units.uptime(83) == "01:23")
        #expect(Units.uptime(3723) == "1:02:03")
    }
}
