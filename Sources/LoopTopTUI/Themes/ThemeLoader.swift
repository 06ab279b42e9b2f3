import Foundation
import LoopTopEngine

/// Finds, lists and reads themes.
///
/// A theme is found by name (`nord` is `nord.toml`) in, in order:
/// `$LOOPTOP_THEMES` (one directory, or several separated by `:`),
/// `./Themes`, and the `Themes` folder of the source tree looptop was built
/// from. `default` is compiled in, so it is always there. A name with a `/`
/// or ending in `.toml` is a path.
///
/// ```swift
/// do {
///     options.theme = try ThemeLoader.load(nameOrPath: name)
/// } catch let error as ConfigError {
///     print(error)     // "nord.toml:7: 'ok': 'grean' is not a color; expected …"
///     exit(2)
/// }
/// for (name, path) in ThemeLoader.available() { print(name, path ?? "(built in)") }
/// ```
public enum ThemeLoader {
    /// The `Themes` folder of the source tree this was built from.
    static let sourceTreeThemes: String = {
        var url = URL(fileURLWithPath: #filePath)
        // …/Sources/LoopTopTUI/Themes/ThemeLoader.swift → …/Themes
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("Themes").path
    }()

    /// The directories searched, in order, that exist.
    public static func searchPath(environment: [String: String] = ProcessInfo.processInfo.environment,
                                  currentDirectory: String = FileManager.default.currentDirectoryPath) -> [String] {
        var dirs: [String] = []
        if let list = environment["LOOPTOP_THEMES"] {
            dirs += list.split(separator: ":").map(String.init)
        }
        dirs += [(currentDirectory as NSString).appendingPathComponent("Themes"), sourceTreeThemes]
        var seen = Set<String>()
        return dirs.filter { dir in
            var isDirectory: ObjCBool = false
            let key = (dir as NSString).standardizingPath
            guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory), isDirectory.boolValue,
                  !seen.contains(key) else { return false }
            seen.insert(key)
            return true
        }
    }

    /// Every theme that can be named: `default` first, then the rest by
    /// name. A name found in two directories is the first one's; `path` is
    /// nil for the compiled-in default when no `default.toml` is found.
    public static func available(environment: [String: String] = ProcessInfo.processInfo.environment,
                                 currentDirectory: String = FileManager.default.currentDirectoryPath)
        -> [(name: String, path: String?)] {
        var found: [String: String] = [:]
        for dir in searchPath(environment: environment, currentDirectory: currentDirectory) {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
            for file in files where file.hasSuffix(".toml") {
                let name = String(file.dropLast(5))
                if found[name] == nil { found[name] = (dir as NSString).appendingPathComponent(file) }
            }
        }
        let rest = found.keys.filter { $0 != "default" }.sorted().map { (name: $0, path: found[$0]) }
        return [(name: "default", path: found["default"])] + rest
    }

    /// The theme called `nameOrPath`, or the file at that path.
    ///
    /// - Throws: ``ConfigError``, one line naming the file, the line and
    ///   what was expected (an unknown name lists the themes there are).
    public static func load(nameOrPath: String, environment: [String: String] = ProcessInfo.processInfo.environment,
                            currentDirectory: String = FileManager.default.currentDirectoryPath) throws -> Theme {
        if nameOrPath.contains("/") || nameOrPath.hasSuffix(".toml") {
            return try load(path: nameOrPath)
        }
        let themes = available(environment: environment, currentDirectory: currentDirectory)
        guard let entry = themes.first(where: { $0.name == nameOrPath }) else {
            throw ConfigError(file: nameOrPath, line: 0, message: "no theme by that name; expected one of: "
                              + themes.map(\.name).joined(separator: ", ") + ", or a path to a .toml file")
        }
        guard let path = entry.path else { return .default }
        return try load(path: path)
    }

    /// Reads a theme file; its name is the file's name without `.toml`.
    public static func load(path: String) throws -> Theme {
        let file = (path as NSString).lastPathComponent
        // The one reader of user files: refuses FIFOs, devices, directories
        // and huge files before reading (issue #12).
        let text = try TextFile.read(path: path)
        var theme = try parse(text, name: (file as NSString).deletingPathExtension, file: file)
        theme.path = path
        return theme
    }

    /// Reads theme text; `name` is what the theme is called, `file` what
    /// messages call its file (`name.toml` unless given).
    public static func parse(_ text: String, name: String, file: String? = nil) throws -> Theme {
        var theme = try parse(ConfigFile.parse(text, name: file ?? name + ".toml"), text: text)
        theme.name = name
        return theme
    }

    static func parse(_ table: ConfigTable, text: String) throws -> Theme {
        var colors: [ThemeRole: Color] = [:]
        var summary = ""
        for key in table.keys {
            if key == "description" {
                summary = try table.string(key) ?? ""
                continue
            }
            if case .table = table[key] {
                // Only the root's lines are searched for `key =`: find the [header] here.
                let header = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex {
                    $0.trimmingCharacters(in: .whitespaces).hasPrefix("[" + key)
                }
                let line = header.map { $0 + 1 } ?? table.error(key, "").line
                throw ConfigError(file: table.error(nil, "").file, line: line,
                                  message: "'\(key)' is a table, but a theme is one flat table; expected role = color "
                                      + "lines at the top level (see Themes/default.toml)")
            }
            guard let role = ThemeRole(rawValue: key) else {
                let near = ThemeRole.allCases.map(\.rawValue).min { distance($0, key) < distance($1, key) }!
                let hint = distance(near, key) <= 3 ? "did you mean '\(near)'? " : ""
                throw table.error(key, "unknown role '\(key)'; \(hint)expected one of: "
                                  + (["description"] + ThemeRole.allCases.map(\.rawValue)).joined(separator: ", "))
            }
            colors[role] = try color(table, key)
        }
        let missing = ThemeRole.allCases.filter { !$0.isOptional && colors[$0] == nil }
        if !missing.isEmpty {
            // A missing role has no line of its own: the message names the file alone.
            throw ConfigError(file: table.error(nil, "").file, line: 0, message: "missing role\(missing.count == 1 ? "" : "s") "
                              + missing.map(\.rawValue).joined(separator: ", ")
                              + "; every role needs a color (Themes/default.toml lists them all)")
        }
        return Theme(name: "", summary: summary, colors: colors)
    }

    /// What a color may be, for messages.
    static let colorForms = "expected \"#rrggbb\", a 256-color index 0-255, a color name (black, red, green, yellow, "
        + "blue, magenta, cyan, white, bright-black … bright-white) or \"default\""

    static let names = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]

    static func color(_ table: ConfigTable, _ key: String) throws -> Color {
        switch table[key] {
        case .int(let n)?:
            guard (0...255).contains(n) else { throw table.error(key, "'\(key)': \(n) is not a 256-color index; \(colorForms)") }
            return .indexed(UInt8(n))
        case .string(let s)?:
            if let c = color(named: s) { return c }
            throw table.error(key, "'\(key)': \"\(s)\" is not a color; \(colorForms)")
        case let value?:
            throw table.error(key, "'\(key)' must be a color, not \(value.kind); \(colorForms)")
        case nil:
            throw table.error(key, "'\(key)' is missing")
        }
    }

    /// A color written as a string: "#rrggbb", a name, "bright-NAME" or "default".
    public static func color(named text: String) -> Color? {
        let s = text.lowercased()
        if s == "default" { return .terminalDefault }
        if s.hasPrefix("#") {
            let digits = s.dropFirst()
            guard digits.count == 6, let hex = UInt32(digits, radix: 16) else { return nil }
            return .rgb(RGB(hex: hex))
        }
        if let n = names.firstIndex(of: s) { return .basic(UInt8(n)) }
        for prefix in ["bright-", "bright_", "bright"] where s.hasPrefix(prefix) {
            if let n = names.firstIndex(of: String(s.dropFirst(prefix.count))) { return .indexed(UInt8(8 + n)) }
        }
        return nil
    }

    /// Edit distance, for "did you mean".
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(1, a.count) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return a.isEmpty ? b.count : row[b.count]
    }
}
