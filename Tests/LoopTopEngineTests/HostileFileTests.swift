import Foundation
import Testing
@testable import LoopTopEngine

/// Issue #12: no byte sequence and no kind of file makes a reader crash or
/// hang; each refusal is one line naming the file and line. Every case goes
/// through all three readers (spec, lesson and the shared TOML layer); the
/// theme reader is checked the same way in LoopTopTUITests.
@Suite struct HostileFileTests {
    /// Each reader of text a user writes, by what a message calls it.
    static let readers: [(String, @Sendable (String) throws -> Void)] = [
        ("config", { _ = try ConfigFile.parse($0, name: "f.toml") }),
        ("spec", { _ = try WorkloadSpec.parse($0, name: "f.toml") }),
        ("lesson", { _ = try Lesson.parse($0, name: "f") }),
    ]

    /// Checks that every reader refuses `text` with one clean line at `line` (if given).
    static func expectRefused(_ text: String, line: Int? = nil, containing words: String = "not valid TOML",
                              sourceLocation: SourceLocation = #_sourceLocation) {
        for (reader, read) in readers {
            do {
                try read(text)
                Issue.record("\(reader) accepted \(text.prefix(60).debugDescription)", sourceLocation: sourceLocation)
            } catch let error as ConfigError {
                let shown = error.description
                #expect(!shown.contains { $0.isNewline } && !shown.unicodeScalars.contains { $0.value < 0x20 },
                        "\(reader): \(shown.debugDescription)", sourceLocation: sourceLocation)
                #expect(shown.hasPrefix("f.toml:"), "\(reader): \(shown)", sourceLocation: sourceLocation)
                if let line { #expect(error.line == line, "\(reader): \(shown)", sourceLocation: sourceLocation) }
                // The lesson and spec readers may refuse valid TOML for its meaning; the config layer may not.
                if reader == "config" || words != "not valid TOML" {
                    #expect(error.message.contains(words), "\(reader): \(shown)", sourceLocation: sourceLocation)
                }
            } catch {
                Issue.record("\(reader) threw \(error)", sourceLocation: sourceLocation)
            }
        }
    }

    // The cases toml++ aborted on (SIGABRT) before the guard, and their kin.
    @Test("Issue #12: unterminated and empty table headers are refused, not an abort",
          arguments: ["[", "[.]", "[..]", "[!]\nk = 1", "[]", "[[]]", "[[", "[a", "[[a]", "[[a] ]", "[ [a]]",
                      "[a.]", "[.a]", "[a..b]", "[\"a]", "['a]", "[a]]", "[a] b", "k = 1\n[", "[a\n]", "[a.\n b]"])
    func unterminatedAndEmptyHeaders(_ text: String) {
        Self.expectRefused(text)
    }

    @Test("Issue #12: bad characters in keys and headers are refused with their line",
          arguments: [("a\u{1}b = 1", 1), ("[a\u{0}]", 1), ("ok = 1\nä = 1", 2), ("a b = 1", 1), ("\"a\nb\" = 1", 1),
                      ("[a#b]", 1), ("a = 1\n[a!]\n", 2), ("= 1", 1), ("\"\"\"a\"\"\" = 1", 1), ("a.\"b\"\"\" = 1", 1),
                      ("a = \"\u{1B}[31m\"", 1), ("a = 1 # \u{7F}", 1), ("a = 1\r", 1), ("a = 'x\u{8}'", 1)])
    func badCharactersInKeysAndHeaders(_ text: String, line: Int) {
        Self.expectRefused(text, line: line)
    }

    @Test("Issue #12: terminators where a value belongs are refused, not an abort",
          arguments: ["a = [true,} false]", "a = [,]", "a = [1,,2]", "a = [1 2]", "a = ]", "a = }", "a = [1,]]",
                      "a = {b = 1,}", "a = {b = 1", "a = [", "a = [1, {]}]", "a = {,}", "a = [\n1,\n", "a = {b = [}]}",
                      "a = ", "a =\n1", "a = tru", "a = 1__0", "a = 0x", "a = +0x1", "a = 01", "a = 1.", "a = .5",
                      "a = 1e", "a = 1979-05-27T", "a = 07:32", "a = \"\\x\"", "a = \"\\uD800\"", "a = '''x''''''"])
    func terminatorsInArraysAndValues(_ text: String) {
        Self.expectRefused(text)
    }

    // Inputs with which libFuzzer made toml++ abort when it had no guard in
    // front (guard and toml++ fuzzed together; see Sources/LoopTopFuzz).
    @Test("Issue #12: inputs the fuzzer found aborting toml++ are refused",
          arguments: ["space = 1987-07-05 1 1", "[\u{19}\u{0}-t", "[&[\u{6}t", "[!", "a = 1979-05-27 07:32:00 1"])
    func fuzzerFindings(_ text: String) {
        Self.expectRefused(text, line: 1)
    }

    @Test("Issue #12: deep nesting and huge dotted headers are refused, not a stack overflow")
    func deepNesting() {
        let deep = 20_000
        Self.expectRefused("[" + Array(repeating: "a", count: deep).joined(separator: ".") + "]\nk = 1", line: 1)
        Self.expectRefused("[[" + Array(repeating: "a", count: deep).joined(separator: ".") + "]]", line: 1)
        Self.expectRefused(Array(repeating: "a", count: deep).joined(separator: ".") + " = 1", line: 1)
        Self.expectRefused("a = " + String(repeating: "[", count: deep) + String(repeating: "]", count: deep), line: 1)
        Self.expectRefused("a = " + String(repeating: "{b = ", count: deep) + "1" + String(repeating: "}", count: deep), line: 1)
        // Depth adds up across a header, a dotted key and the values.
        let header = "[" + Array(repeating: "h", count: 40).joined(separator: ".") + "]\n"
        Self.expectRefused(header + Array(repeating: "k", count: 20).joined(separator: ".") + " = [[[[[1]]]]]", line: 2)
        // At real depths the guard stays out of the way.
        #expect(throws: Never.self) {
            _ = try ConfigFile.parse("[a.b.c]\nd.e = [[1, 2], [{f = {g = [3]}}]]\n", name: "f.toml")
        }
    }

    @Test("Issue #12: a file of 20,000 keys and headers is read in one pass, not a quadratic crawl")
    func manyKeys() throws {
        var text = ""
        for i in 0..<10_000 { text += "k\(i) = \(i)\n" }
        for i in 0..<5_000 { text += "[t\(i)]\nv = 1\n" }
        let table = try ConfigFile.parse(text, name: "f.toml")
        #expect(table.keys.count == 15_000)
        #expect(table.keys.first == "k0" && table.keys.last == "t4999")
        #expect(table.error("k9999", "x").line == 10_000)
        #expect(try table.table("t4999")?.error("v", "x").line == 20_000)
    }

    @Test("Issue #12: the guard accepts every form of valid TOML, with the values toml++ reads")
    func validTOMLPassesTheGuard() throws {
        let text = "\u{FEFF}# every kind of value\r\n"
            + "basic = \"tab\\there \\\"q\\\" \\u00e9 \\U0001F600\"\n"
            + "literal = 'C:\\path'\n"
            + "multi = \"\"\"\nline one \\\n    same line\nquotes \"\" end\"\"\"\"\"\n"
            + "rawmulti = '''\nfirst\n'' inner'''\n"
            + "ints = [1_000, -0, +7, 0xDEAD_beef, 0o755, 0b1010]\n"
            + "floats = [1.5, -0.0, 1e10, 6.626e-34, 2E+3, 1_0.0_1, inf, -nan, +inf]\n"
            + "bools = [true, false]\n"
            + "dates = [1979-05-27T07:32:00Z, 1979-05-27 07:32:00.999-07:00, 1979-05-27T07:32:00, 1979-05-27, 07:32:00.5]\n"
            + "nested = [ [1, 2], # comment\n  [\"a\", 'b'], ]\n"
            + "inline = { x = 1, y.z = \"two\", \"quoted key\" = {} }\n"
            + "\"quoted.key\" = 1\n"
            + "dotted . key = 2\n"
            + "[table . 'sub']   # header comment\n"
            + "k = \"v\"\n"
            + "[[array]]\n"
            + "[[array]]\n"
            + "n = 2\n"
            + "\"\" = 3\n"
            + "ünicode = \"not a bare key\"\n"
        // The last line is invalid (a non-ASCII bare key): without it, it all passes.
        let valid = text.replacingOccurrences(of: "ünicode = \"not a bare key\"\n", with: "")
        let table = try ConfigFile.parse(valid, name: "f.toml")
        #expect(table["basic"] == .string("tab\there \"q\" é 😀"))
        #expect(table["multi"] == .string("line one same line\nquotes \"\" end\"\""))
        #expect(table["rawmulti"] == .string("first\n'' inner"))
        #expect(table["ints"] == .array([.int(1000), .int(0), .int(7), .int(0xDEADBEEF), .int(0o755), .int(10)]))
        #expect(try table.table("dotted")?["key"] == .int(2))
        #expect(try table.tables("array").count == 2)
        #expect(try table.table("table")?.table("sub")?["k"] == .string("v"))
        #expect(throws: ConfigError.self) { try ConfigFile.parse(text, name: "f.toml") }
    }

    @Test("Issue #12: messages escape control characters, so a refusal stays one line")
    func messagesEscapeControlCharacters() throws {
        let error = try #require(throws: ConfigError.self) {
            try WorkloadSpec.parse("\"bad\\tkey\\nhere\\u001b[31m\" = 1\n", name: "f\u{1B}.toml")
        }
        #expect(error.description == "f\\u{1B}.toml:1: unknown key 'bad\\tkey\\nhere\\u{1B}[31m' in the spec; expected one of: arrivals, data, workload")
        #expect(ConfigError.escaped("plain text, ünïcode") == "plain text, ünïcode")
    }

    @Test("Issue #12: text past the size limit is refused before it is parsed")
    func oversizedText() {
        let huge = "a = \"" + String(repeating: "x", count: TextFile.maxBytes) + "\""
        Self.expectRefused(huge, line: 0, containing: "at most 1024 KiB")
    }
}

/// Issue #12: files that are not small regular files are refused before a
/// byte is read: no hang on a FIFO, no endless read of /dev/zero.
@Suite struct OddFileKindTests {
    static func directory() throws -> String {
        let dir = NSTemporaryDirectory() + "looptop-oddfiles-\(getpid())-\(Int.random(in: 0..<1_000_000))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func refusal(_ path: String) throws -> ConfigError {
        // Through every reader's entry point, which share TextFile.
        let spec = try #require(throws: ConfigError.self) { try WorkloadSpec.load(path: path) }
        let lesson = try #require(throws: ConfigError.self) { try Lesson.load(path: path) }
        #expect(spec == lesson)
        #expect(!spec.description.contains { $0.isNewline })
        return spec
    }

    @Test("Issue #12: a FIFO with no writer is refused at once, not waited on")
    func fifo() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/spec.toml"
        #expect(mkfifo(path, 0o600) == 0)
        #expect(try Self.refusal(path).description == "\(path): is a FIFO (named pipe); expected a regular TOML file")
    }

    @Test("Issue #12: /dev/zero, a directory, a symlink loop and a missing file are each named")
    func otherKinds() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try Self.refusal("/dev/zero").message == "is a device; expected a regular TOML file")
        #expect(try Self.refusal(dir).message == "is a directory; expected a TOML file")
        let loop = dir + "/loop.toml"
        #expect(symlink(loop, loop) == 0)
        #expect(try Self.refusal(loop).message == "cannot read the file: too many symbolic links (a loop?)")
        #expect(try Self.refusal(dir + "/missing.toml").message == "cannot read the file: it does not exist")
        #expect(try Self.refusal(dir + "/missing/x.toml").message == "cannot read the file: it does not exist")
    }

    @Test("Issue #12: a 20 MB line is refused by its size, invalid UTF-8 by its line")
    func hugeLineAndBadBytes() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let huge = dir + "/huge.toml"
        _ = FileManager.default.createFile(atPath: huge, contents: Data(repeating: UInt8(ascii: "a"), count: 20_000_000))
        #expect(try Self.refusal(huge).message == "is over 4096 KiB; a looptop file may be at most 1024 KiB")
        let bad = dir + "/bad.toml"
        _ = FileManager.default.createFile(atPath: bad, contents: Data(Array("a = 1\nb = \"".utf8) + [0xFF, 0xFE] + Array("\"\n".utf8)))
        let error = try Self.refusal(bad)
        #expect(error.line == 2 && error.message == "not UTF-8 text; expected a TOML file")
    }

    @Test("Issue #12: absurd durations convert without a trap")
    func absurdDurations() {
        #expect(Nanos.fromSeconds(.nan) == 0)
        #expect(Nanos.fromSeconds(-.infinity) == 0)
        #expect(Nanos.fromSeconds(.infinity) == Nanos.forever)
        #expect(Nanos.fromSeconds(1e308) == Nanos.forever)
        #expect(Nanos.fromMs(.greatestFiniteMagnitude) == Nanos.forever)
        #expect(Nanos.fromMs(.nan) == 0)
        #expect(Nanos.fromSeconds(1.5) == 1_500_000_000)
    }
}
