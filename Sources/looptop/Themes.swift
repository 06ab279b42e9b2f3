import ArgumentParser
import LoopTopEngine
import LoopTopTUI

/// `--theme`, shared by the commands that draw the dashboard.
struct ThemeOption: ParsableArguments {
    @Option(help: ArgumentHelp("Color theme: a name from `looptop themes` or a path to a theme .toml file.", valueName: "name|path"))
    var theme: String?

    /// The theme asked for (the built-in default when none). A bad file is a
    /// `FileError`: one line naming file and line, exit 2, before the screen changes.
    func load() throws -> Theme {
        guard let theme else { return .default }
        do {
            return try ThemeLoader.load(nameOrPath: theme)
        } catch let error as ConfigError {
            throw FileError(message: error.description)
        }
    }
}

struct Themes: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the color themes: the built-in default and the .toml files found.",
        discussion: helpText("""
            Themes are looked for in $LOOPTOP_THEMES (':'-separated folders), ./Themes, and the
            Themes folder of the source tree. Use one with `looptop --theme NAME`, or give a path.
            The `t` key cycles themes while the dashboard runs.
            """))

    func run() throws {
        let themes = ThemeLoader.available()
        let width = themes.map(\.name.count).max() ?? 0
        for (name, path) in themes {
            let summary = path.flatMap { try? ThemeLoader.load(path: $0).summary } ?? Theme.default.summary
            print(name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + summary
                  + (path.map { "  (\($0))" } ?? "  (built in)"))
        }
    }
}
