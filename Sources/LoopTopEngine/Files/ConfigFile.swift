import Foundation
import TOMLKit

/// A mistake in a file a user wrote: one line naming the file, the line and
/// what was expected, e.g. `load.toml:7: workload 'fast': unknown kernel
/// 'primez'; expected one of spin, primes`.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public let file: String
    /// 1-based; 0 when the mistake has no line (an unreadable file).
    public let line: Int
    public let message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// One line, whatever the file's name or text held: control characters
    /// (a key's tab or newline, a name's escape) are shown escaped.
    public var description: String {
        let file = Self.escaped(self.file), message = Self.escaped(self.message)
        return line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)"
    }

    /// `text` with control characters written as escapes (`\t`, `\n`, `\u{1B}`),
    /// so a message stays one line and cannot drive the terminal.
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case _ where isControl(scalar): out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// C0 and C1 controls and DEL, plus the line and paragraph separators.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
    }
}

/// A TOML value copied out of TOMLKit into a Sendable tree (TOMLKit's own
/// types are neither Sendable nor carry positions).
public indirect enum ConfigValue: Sendable, Equatable {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case array([ConfigValue])
    case table(ConfigTable)
    /// A date or time: valid TOML, but nothing here expects one.
    case other(String)

    /// What a message calls this kind of value.
    public var kind: String {
        switch self {
        case .string: "a string"
        case .int: "an integer"
        case .double: "a number"
        case .bool: "true or false"
        case .array: "an array"
        case .table: "a table"
        case .other: "a date or time"
        }
    }
}

/// One step of a path to a value: a key in a table, or an index in an array.
public enum ConfigPathStep: Sendable, Equatable, CustomStringConvertible {
    case key(String)
    case index(Int)
    public var description: String {
        switch self {
        case .key(let key): key
        case .index(let index): "[\(index)]"
        }
    }
}

/// A table of a parsed file, knowing where it sits so its mistakes can name
/// their line. Keys keep the file's order.
public struct ConfigTable: Sendable, Equatable {
    public private(set) var entries: [(key: String, value: ConfigValue)]
    public let path: [ConfigPathStep]
    let source: ConfigSource

    public static func == (a: ConfigTable, b: ConfigTable) -> Bool {
        a.path == b.path && a.entries.map(\.key) == b.entries.map(\.key)
            && zip(a.entries, b.entries).allSatisfy { $0.value == $1.value }
    }

    public var keys: [String] { entries.map(\.key) }
    public subscript(key: String) -> ConfigValue? { entries.first { $0.key == key }?.value }

    /// An error at `key` of this table (or at the table itself).
    public func error(_ key: String?, _ message: String) -> ConfigError {
        let steps = key.map { path + [.key($0)] } ?? path
        return ConfigError(file: source.name, line: source.line(of: steps), message: message)
    }

    /// Rejects keys not in `allowed`, naming the first unknown one.
    public func rejectUnknownKeys(_ allowed: [String], in what: String) throws {
        for key in keys where !allowed.contains(key) {
            throw error(key, "unknown key '\(key)' in \(what); expected one of: \(allowed.joined(separator: ", "))")
        }
    }

    public func string(_ key: String) throws -> String? {
        guard let value = self[key] else { return nil }
        guard case .string(let s) = value else { throw error(key, "'\(key)' must be a string, not \(value.kind)") }
        return s
    }

    public func bool(_ key: String) throws -> Bool? {
        guard let value = self[key] else { return nil }
        guard case .bool(let b) = value else { throw error(key, "'\(key)' must be true or false, not \(value.kind)") }
        return b
    }

    /// A number (integer or not) within `range`.
    public func number(_ key: String, in range: ClosedRange<Double>) throws -> Double? {
        guard let value = self[key] else { return nil }
        let number: Double
        switch value {
        case .int(let i): number = Double(i)
        case .double(let d): number = d
        default: throw error(key, "'\(key)' must be a number, not \(value.kind)")
        }
        guard number.isFinite, range.contains(number) else {
            throw error(key, "'\(key)' must be between \(Self.show(range.lowerBound)) and \(Self.show(range.upperBound)), got \(Self.show(number))")
        }
        return number
    }

    public func integer(_ key: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let value = self[key] else { return nil }
        guard case .int(let i) = value else { throw error(key, "'\(key)' must be an integer, not \(value.kind)") }
        guard range.contains(i) else {
            throw error(key, "'\(key)' must be between \(range.lowerBound) and \(range.upperBound), got \(i)")
        }
        return i
    }

    public func table(_ key: String) throws -> ConfigTable? {
        guard let value = self[key] else { return nil }
        guard case .table(let t) = value else { throw error(key, "'\(key)' must be a table, not \(value.kind)") }
        return t
    }

    /// An array of tables (`[[key]]`).
    public func tables(_ key: String) throws -> [ConfigTable] {
        guard let value = self[key] else { return [] }
        guard case .array(let items) = value else { throw error(key, "'\(key)' must be an array of tables ([[\(key)]])") }
        return try items.map { item in
            guard case .table(let t) = item else { throw error(key, "each '\(key)' must be a table, not \(item.kind)") }
            return t
        }
    }

    public func strings(_ key: String) throws -> [String]? {
        guard let value = self[key] else { return nil }
        guard case .array(let items) = value else { throw error(key, "'\(key)' must be an array of strings") }
        return try items.map { item in
            guard case .string(let s) = item else { throw error(key, "'\(key)' must hold strings, not \(item.kind)") }
            return s
        }
    }

    static func show(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}

/// A file's name and text, to find the line a path is written on.
///
/// TOMLKit keeps no positions after a successful parse, so the line is found
/// from the raw text: the `[table]` / `[[array]]` headers are followed, then
/// the `key =` line inside the right one. Keys in inline tables fall back to
/// the line of their table. The text is indexed once, so finding a line is a
/// lookup: a file of many keys (up to ``TextFile/maxBytes``) stays quick.
public struct ConfigSource: Sendable, Equatable {
    public let name: String

    /// A run of lines under one header (the first is the root, before any).
    struct Section: Sendable, Equatable {
        /// The header's name with brackets and comment removed ("" for the root).
        let header: String
        /// How many `[[header]]` with this name came before, counting this one (from 0).
        let arrayOccurrence: Int?
        /// 1-based; 0 for the root.
        let line: Int
        /// The first line of each `key =` in this section.
        var keys: [String: Int] = [:]
    }

    let sections: [Section]
    /// Indices into `sections` by header name, in file order.
    let sectionsByHeader: [String: [Int]]
    let isEmpty: Bool

    init(name: String, text: String) {
        self.name = name
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        isEmpty = lines.isEmpty
        var sections = [Section(header: "", arrayOccurrence: nil, line: 0)]
        var seen: [String: Int] = [:]
        for (number, raw) in lines.enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.hasPrefix("[") {
                let isArray = line.hasPrefix("[[")
                let name = line.trimmingCharacters(in: CharacterSet(charactersIn: "[] "))
                    .split(separator: "#").first.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "[] ")) } ?? ""
                if isArray { seen[name, default: -1] += 1 }
                sections.append(Section(header: name, arrayOccurrence: seen[name], line: number + 1))
                continue
            }
            guard line.contains("=") else { continue }
            let bare = line.split(separator: "=", maxSplits: 1).first?
                .trimmingCharacters(in: CharacterSet(charactersIn: " \t\"'")) ?? ""
            if sections[sections.count - 1].keys[bare] == nil { sections[sections.count - 1].keys[bare] = number + 1 }
        }
        var byHeader: [String: [Int]] = [:]
        for (index, section) in sections.enumerated() { byHeader[section.header, default: []].append(index) }
        self.sections = sections
        sectionsByHeader = byHeader
    }

    func line(of path: [ConfigPathStep]) -> Int {
        // The header names ("workload") and indices of array-of-tables steps.
        var headerKeys: [String] = []
        var arrayIndex: [String: Int] = [:]
        var key: String?
        var i = 0
        while i < path.count {
            if case .key(let k) = path[i] {
                if i + 1 < path.count, case .index(let n) = path[i + 1] {
                    headerKeys.append(k)
                    arrayIndex[headerKeys.joined(separator: ".")] = n
                    i += 2
                    continue
                }
                if i == path.count - 1 { key = k } else { headerKeys.append(k) }
            }
            i += 1
        }
        let wantedHeader = headerKeys.joined(separator: ".")
        let wantedIndex = arrayIndex[wantedHeader]
        var headerLine = 0
        var parent: Int?
        for index in sectionsByHeader[wantedHeader] ?? [] {
            let section = sections[index]
            if let wantedIndex, section.arrayOccurrence != wantedIndex { continue }
            if let key, let line = section.keys[key] { return line }
            if section.line > 0 { headerLine = section.line }
            if parent == nil { parent = index }
        }
        // A key that is a table of its own is on its first `[wanted.key]`
        // header after the wanted table's.
        if let key, let parent,
           let sub = sectionsByHeader[wantedHeader.isEmpty ? key : wantedHeader + "." + key]?.first(where: { $0 > parent }) {
            return sections[sub].line
        }
        return headerLine > 0 ? headerLine : (isEmpty ? 0 : 1)
    }
}

/// Reads TOML files into ``ConfigTable``s with line-accurate errors.
public enum ConfigFile {
    /// Loads and parses the file at `path`.
    public static func load(path: String) throws -> ConfigTable {
        let text = try TextFile.read(path: path)
        return try parse(text, name: (path as NSString).lastPathComponent)
    }

    /// Parses `text`; `name` is what messages call the file.
    public static func parse(_ text: String, name: String) throws -> ConfigTable {
        // Text that did not come from a file (built-in lessons, tests, a
        // fuzzer) meets the same limit as a file.
        if text.utf8.count > TextFile.maxBytes {
            throw ConfigError(file: name, line: 0, message: TextFile.tooBig(text.utf8.count))
        }
        // toml++ aborts the process on some malformed text: only text that
        // passes the guard reaches it (why: TOMLGuard.swift).
        do {
            try TOMLGuard.check(text)
        } catch {
            throw ConfigError(file: name, line: error.line,
                              message: "not valid TOML: \(error.message) (column \(error.column))")
        }
        let source = ConfigSource(name: name, text: text)
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigError(file: name, line: error.source.begin.line,
                              message: "not valid TOML: \(error.description)")
        } catch {
            throw ConfigError(file: name, line: 0, message: "not valid TOML: \(error)")
        }
        return convert(table, path: [], source: source)
    }

    static func convert(_ table: TOMLTable, path: [ConfigPathStep], source: ConfigSource) -> ConfigTable {
        var entries: [(key: String, value: ConfigValue)] = []
        // toml++ keeps keys sorted; restore the file's order from the text so
        // "the first mistake" is the first a reader meets.
        let keys = table.keys.map { (key: $0, line: source.line(of: path + [.key($0)])) }
            .sorted { $0.line < $1.line }.map(\.key)
        for key in keys {
            guard let value = table[key] else { continue }
            entries.append((key, convert(value.tomlValue, path: path + [.key(key)], source: source)))
        }
        return ConfigTable(entries: entries, path: path, source: source)
    }

    static func convert(_ value: TOMLValue, path: [ConfigPathStep], source: ConfigSource) -> ConfigValue {
        switch value.type {
        case .string: return .string(value.string ?? "")
        case .int: return .int(value.int ?? 0)
        case .double: return .double(value.double ?? 0)
        case .bool: return .bool(value.bool ?? false)
        case .table:
            guard let table = value.table else { return .other("table") }
            return .table(convert(table, path: path, source: source))
        case .array:
            guard let array = value.array else { return .array([]) }
            return .array(array.enumerated().map { index, item in
                convert(item.tomlValue, path: path + [.index(index)], source: source)
            })
        case .date, .time, .dateTime: return .other(value.debugDescription)
        }
    }
}
