#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import LoopTopTUI
import LoopTopEngine

/// Themes (issue 6): the shipped files load, the default file is the
/// compiled-in default, each kind of mistake names its line, colors degrade
/// to what the terminal has.
struct ThemeTests {
    /// Only the source tree's Themes folder (no environment, no ./Themes).
    static func shipped() -> [(name: String, path: String?)] {
        ThemeLoader.available(environment: [:], currentDirectory: "/nonexistent")
    }

    static func tempDir() throws -> String {
        let dir = NSTemporaryDirectory() + "looptop-themes-\(getpid())-\(Int.random(in: 0..<1_000_000))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func everyShippedThemeLoads() throws {
        let themes = Self.shipped()
        let names = themes.map(\.name)
        for wanted in ["default", "dark", "light", "high-contrast", "monochrome", "nord", "gruvbox", "dracula"] {
            #expect(names.contains(wanted), "Themes/ has no \(wanted).toml")
        }
        #expect(names.first == "default")
        for (name, path) in themes {
            let path = try #require(path, "\(name) has no file")
            let theme = try ThemeLoader.load(path: path)
            #expect(theme.name == name)
            #expect(!theme.summary.isEmpty, "\(name) has no description")
            for depth in ColorDepth.allCases {
                let palette = Palette(theme: theme, depth: depth)
                // The judgements stay apart at every depth with color.
                #expect(palette.look(for: .ok) != palette.look(for: .critical), "\(name) at \(depth)")
                // The gray theme at eight colors has only the terminal's own gray left for both.
                if !(name == "monochrome" && depth == .basic) {
                    #expect(palette.look(for: .state(.running)) != palette.look(for: .state(.failed)), "\(name) at \(depth)")
                }
            }
        }
    }

    @Test func defaultFileIsTheCompiledInDefault() throws {
        let path = try #require(Self.shipped().first { $0.name == "default" }?.path)
        let file = try ThemeLoader.load(path: path)
        #expect(file.colors == Theme.default.colors)
        #expect(file.summary == Theme.default.summary)
        for depth in ColorDepth.allCases {
            #expect(Palette(theme: file, depth: depth) == Palette.standard(for: depth))
        }
        // Every role is documented in a comment of the file.
        let text = try String(contentsOfFile: path, encoding: .utf8)
        for role in ThemeRole.allCases {
            #expect(text.contains("\n\(role.rawValue) = "), "default.toml does not set \(role.rawValue)")
        }
    }

    @Test func loadingByNameSearchesLOOPTOP_THEMESFirst() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let nord = try String(contentsOfFile: Self.shipped().first { $0.name == "nord" }!.path!, encoding: .utf8)
        try nord.replacingOccurrences(of: "#2e3440", with: "#000000")
            .write(toFile: dir + "/nord.toml", atomically: true, encoding: .utf8)
        try nord.write(toFile: dir + "/mine.toml", atomically: true, encoding: .utf8)
        let env = ["LOOPTOP_THEMES": dir]
        let theme = try ThemeLoader.load(nameOrPath: "nord", environment: env, currentDirectory: "/nonexistent")
        #expect(theme.color(.background) == .rgb(RGB(hex: 0)))
        #expect(theme.path == dir + "/nord.toml")
        let names = ThemeLoader.available(environment: env, currentDirectory: "/nonexistent").map(\.name)
        #expect(names.contains("mine") && names.contains("dracula"))
        #expect(try ThemeLoader.load(nameOrPath: dir + "/mine.toml").name == "mine")
        #expect(try ThemeLoader.load(nameOrPath: "default", environment: [:], currentDirectory: "/nonexistent")
            .colors == Theme.default.colors)
        #expect(throws: ConfigError.self) { try ThemeLoader.load(nameOrPath: "nope", environment: env) }
        do {
            _ = try ThemeLoader.load(nameOrPath: "nope", environment: env, currentDirectory: "/nonexistent")
        } catch let error as ConfigError {
            #expect(error.description.hasPrefix("nope: no theme by that name; expected one of: default, "))
            #expect(error.description.contains("mine"))
        }
    }

    // MARK: mistakes, each naming its line

    static let good = try! String(contentsOfFile: ThemeTests.shipped().first { $0.name == "default" }!.path!, encoding: .utf8)

    /// The default file with `line` (a role's) replaced.
    static func broken(_ role: String, _ replacement: String) -> String {
        good.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasPrefix(role + " = ") ? Substring(replacement) : line
        }.joined(separator: "\n")
    }

    static func lineOf(_ prefix: String, in text: String) -> Int {
        text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix(prefix) }! + 1
    }

    func error(_ text: String) -> ConfigError? {
        do {
            _ = try ThemeLoader.parse(text, name: "mine")
            return nil
        } catch let error as ConfigError {
            return error
        } catch {
            Issue.record("not a ConfigError: \(error)")
            return nil
        }
    }

    @Test func anUnknownRoleNamesItsLineAndTheNearestRole() throws {
        let text = Self.broken("warn", "wran = 221")
        let e = try #require(error(text))
        #expect(e.file == "mine.toml" && e.line == Self.lineOf("wran", in: text))
        #expect(e.message.hasPrefix("unknown role 'wran'; did you mean 'warn'? expected one of: description, background, text"))
        #expect(!e.description.contains("\n"))
    }

    @Test func aBadColorNamesItsLineAndTheForms() throws {
        for bad in ["ok = \"grean\"", "ok = \"#12345\"", "ok = \"#12345g\"", "ok = 256", "ok = -1", "ok = 1.5", "ok = [1]"] {
            let text = Self.broken("ok", bad)
            let e = try #require(error(text), "\(bad) was taken")
            #expect(e.line == Self.lineOf("ok = ", in: text), "\(bad): \(e)")
            #expect(e.message.hasPrefix("'ok'"), "\(e)")
            #expect(e.message.contains("expected \"#rrggbb\", a 256-color index 0-255"), "\(e)")
        }
    }

    @Test func badTOMLNamesItsLine() throws {
        let text = Self.broken("title", "title = = 81")
        let e = try #require(error(text))
        #expect(e.line == Self.lineOf("title", in: text))
        #expect(e.message.hasPrefix("not valid TOML"))
    }

    @Test func aTableIsNotAColorAndThemesAreFlat() throws {
        let text = Self.good + "\n[colors]\nok = 1\n"
        let e = try #require(error(text))
        #expect(e.line == Self.lineOf("[colors]", in: text))
        #expect(e.message.hasPrefix("'colors' is a table, but a theme is one flat table"))
    }

    @Test func missingRolesAreListed() throws {
        let text = Self.broken("state_idle", "").replacingOccurrences(of: "\njob_failed = 203       # (bold)", with: "")
        let e = try #require(error(text))
        #expect(e.description == "mine.toml: missing roles state_idle, job_failed; every role needs a color (Themes/default.toml lists them all)")
        // The gradient mids may be left out: the gradient runs start to end.
        let noMid = try ThemeLoader.parse(Self.broken("lag_mid", ""), name: "x")
        #expect(noMid.gradientColor(.lag, at: 0) == .indexed(114))
        #expect(noMid.gradientColor(.lag, at: 1) == .indexed(203))
        #expect(noMid.gradientColor(.lag, at: 0.5) == .rgb(ColorTable.rgb(ofIndex: 114).mixed(with: ColorTable.rgb(ofIndex: 203), 0.5)))
    }

    @Test func colorForms() {
        #expect(ThemeLoader.color(named: "#88C0D0") == .rgb(RGB(0x88, 0xc0, 0xd0)))
        #expect(ThemeLoader.color(named: "red") == .basic(1))
        #expect(ThemeLoader.color(named: "bright-white") == .indexed(15))
        #expect(ThemeLoader.color(named: "default") == .terminalDefault)
        #expect(ThemeLoader.color(named: "purple") == nil)
        #expect(RGB(hex: 0x88c0d0).description == "#88c0d0")
    }
}

/// Colors brought down to the terminal's depth.
struct ColorDegradeTests {
    @Test func nearestOf256() {
        #expect(ColorTable.nearest256(RGB(hex: 0xff0000)) == 196)
        #expect(ColorTable.nearest256(RGB(hex: 0x000000)) == 16)
        #expect(ColorTable.nearest256(RGB(hex: 0xffffff)) == 231)
        #expect(ColorTable.nearest256(RGB(hex: 0x808080)) == 244)
        #expect(ColorTable.nearest256(RGB(hex: 0x5f87af)) == 67)
        #expect(ColorTable.nearest256(RGB(hex: 0x87afd7)) == 110)
        #expect(ColorTable.nearest256(RGB(hex: 0x2e3440)) == 237)   // nord0: a dark gray, not a blue
        #expect(ColorTable.nearest256(RGB(hex: 0xa3be8c)) == 144)   // nord14
        #expect(ColorTable.nearest256(RGB(hex: 0xbf616a)) == 131)   // nord11
        // Every index of the cube and the ramp maps back to itself.
        for n in 16...255 { #expect(ColorTable.nearest256(ColorTable.rgb(ofIndex: UInt8(n))) == UInt8(n)) }
    }

    @Test func nearestOf8() {
        let cases: [(UInt32, Color)] = [(0xbf616a, .red), (0xa3be8c, .green), (0xebcb8b, .yellow), (0x88c0d0, .cyan),
                                        (0x81a1c1, .blue), (0xb48ead, .magenta), (0xff8800, .yellow), (0xcf222e, .red)]
        for (hex, color) in cases {
            #expect(ColorTable.nearest8(RGB(hex: hex), over: nil).color == color, "\(RGB(hex: hex))")
        }
        // Grays: the terminal's own, dimmed when mid-gray, over its own background ...
        #expect(ColorTable.nearest8(RGB(hex: 0x8a8a8a), over: nil) == (.terminalDefault, .dim))
        #expect(ColorTable.nearest8(RGB(hex: 0xeeeeee), over: nil) == (.terminalDefault, []))
        // ... black on a light one, white on a dark one.
        #expect(ColorTable.nearest8(RGB(hex: 0x24292f), over: 7) == (.black, []))
        #expect(ColorTable.nearest8(RGB(hex: 0xd8dee9), over: 0) == (.white, []))
        #expect(ColorTable.nearest8Background(RGB(hex: 0xfafafa)) == 7)
        #expect(ColorTable.nearest8Background(RGB(hex: 0x2e3440)) == 0)
    }

    @Test func palettesAtEachDepth() throws {
        let nord = try ThemeLoader.load(nameOrPath: "nord", environment: [:], currentDirectory: "/nonexistent")
        let ok = nord.color(.ok)
        #expect(Palette(theme: nord, depth: .truecolor).look(for: .ok).foreground == ok)
        #expect(Palette(theme: nord, depth: .indexed256).look(for: .ok).foreground == .indexed(144))
        #expect(Palette(theme: nord, depth: .indexed256).background == .indexed(237))
        let basic = Palette(theme: nord, depth: .basic)
        #expect(basic.look(for: .ok).foreground == .green)
        #expect(basic.look(for: .critical) == Look(.red, .black, .bold))
        #expect(basic.background == .black)
        // A gray highlight would vanish at eight colors: blue instead.
        #expect(basic.highlight == .blue)
        let mono = Palette(theme: nord, depth: .monochrome)
        #expect(mono == Palette.standard(for: .monochrome))
        #expect(mono.look(for: .critical).attributes.contains(.reverse))

        let light = try ThemeLoader.load(nameOrPath: "light", environment: [:], currentDirectory: "/nonexistent")
        let lightBasic = Palette(theme: light, depth: .basic)
        #expect(lightBasic.background == .white)
        #expect(lightBasic.look(for: .text).foreground == .black)

        // Named colors stay the terminal's own at 256 colors and truecolor.
        let contrast = try ThemeLoader.load(nameOrPath: "high-contrast", environment: [:], currentDirectory: "/nonexistent")
        #expect(Palette(theme: contrast, depth: .indexed256).look(for: .critical).foreground == .indexed(9))
        #expect(Palette(theme: contrast, depth: .basic).look(for: .critical).foreground == .red)
        #expect(Palette(theme: contrast, depth: .basic).background == .black)
    }

    @Test func gradientsRunFromStartToEnd() {
        let p = Palette.standard(for: .indexed256)
        #expect(p.look(for: Style(.gradient(.lag, 0))).foreground == .indexed(114))
        #expect(p.look(for: Style(.gradient(.lag, Gradient.top))).foreground == .indexed(203))
        #expect(Sparkline.Ink.step(0, warn: 10, critical: 50) == 0)
        #expect(Sparkline.Ink.step(10, warn: 10, critical: 50) == 4)
        #expect(Sparkline.Ink.step(50, warn: 10, critical: 50) == Gradient.top)
        #expect(Sparkline.Ink.step(900, warn: 10, critical: 50) == Gradient.top)
        // Between the stops the colors are mixed, then brought to the nearest of 256.
        let between = p.look(for: Style(.gradient(.lag, 2))).foreground
        #expect(between != .indexed(114) && between != .indexed(221))
    }

    @Test func depthDetection() {
        #expect(ColorDepth.detect(environment: [:], hasColors: true, colors: 1 << 24) == .truecolor)
        #expect(ColorDepth.detect(environment: ["COLORTERM": "truecolor"], hasColors: true, colors: 256,
                                  canChangeColor: true) == .truecolor)
        #expect(ColorDepth.detect(environment: ["COLORTERM": "24bit"], hasColors: true, colors: 256,
                                  canChangeColor: false) == .indexed256)
        #expect(ColorDepth.detect(environment: ["COLORTERM": "truecolor", "NO_COLOR": "1"], hasColors: true,
                                  colors: 1 << 24) == .monochrome)
    }

    @Test func theLagGraphAndJobsUseTheirRoles() throws {
        let screen = render(DashboardScenarios.frame(Fixtures.blocking()), rows: 30, cols: 100)
        let graphRow = try #require(screen.lines.firstIndex { $0.contains("812 ms ││") })
        let column = try #require(screen.rows[graphRow].firstIndex(of: "█"))
        let col = screen.rows[graphRow].distance(from: screen.rows[graphRow].startIndex, to: column)
        #expect(screen.style(row: graphRow, col: col) == Style(.gradient(.lag, Gradient.top)))
        let detail = render(DashboardScenarios.frame(Fixtures.withDetail()) { $0.view = .detail(1); $0.selection = Selection(workerID: 1) },
                            rows: 30, cols: 100)
        let job = try #require(detail.find("#1164"))
        let failedAt = try #require(detail.rows[job.row].range(of: "failed"))
        #expect(detail.style(row: job.row, col: detail.rows[job.row].distance(from: detail.rows[job.row].startIndex,
                                                                               to: failedAt.lowerBound)) == .outcome(.failed))
    }
}

struct ThemeCycleTests {
    @Test func cyclesInOrderAndKeepsColorsWhenAFileIsBroken() {
        let list: [(name: String, path: String?)] = [("default", nil), ("nord", "/x/nord.toml"), ("bad", "/x/bad.toml")]
        var nord = Theme.default
        nord.name = "nord"
        let load: (String) throws -> Theme = { path in
            if path.hasSuffix("bad.toml") { throw ConfigError(file: "bad.toml", line: 4, message: "'ok': \"grean\" is not a color") }
            return nord
        }
        let first = ThemeCycle.next(after: .default, available: list, load: load)
        #expect(first?.0.name == "nord")
        #expect(first?.1 == Notice("theme nord  (t: next theme)"))
        let second = ThemeCycle.next(after: nord, available: list, load: load)
        #expect(second?.0.colors == nord.colors, "a broken theme is never applied")
        #expect(second?.1.severity == .critical)
        #expect(second?.1.message == "theme bad not loaded: bad.toml:4: 'ok': \"grean\" is not a color")
        let third = ThemeCycle.next(after: second!.0, available: list, load: load)
        #expect(third?.0.name == "default")
        #expect(ThemeCycle.next(after: .default, available: [("default", nil)], load: load) == nil)
    }
}
