#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import LoopTopEngine
@testable import LoopTopTUI

/// Issue #12 for the theme reader: the same hostile text the spec and
/// lesson readers are given (LoopTopEngineTests/HostileFileTests).
@Suite struct HostileThemeTests {
    @Test("Issue #12: a theme of hostile TOML is one line naming its file and line",
          arguments: ["[", "[.]", "[..]", "[!]\nk = 1", "[]", "a = [true,} false]", "a = [,]", "ok = \"red\"\n[a",
                      "[" + Array(repeating: "a", count: 20_000).joined(separator: ".") + "]",
                      "a = " + String(repeating: "[", count: 20_000), "\"k\\tx\\ny\" = \"red\""])
    func hostileTheme(_ text: String) throws {
        let error = try #require(throws: ConfigError.self) { try ThemeLoader.parse(text, name: "t") }
        #expect(error.description.hasPrefix("t.toml:"))
        #expect(!error.description.contains { $0.isNewline }, "\(error.description.debugDescription)")
        #expect(!error.description.unicodeScalars.contains { $0.value < 0x20 })
    }

    @Test("Issue #12: a theme path that is a FIFO or a device is refused at once")
    func oddThemeFiles() throws {
        let dir = NSTemporaryDirectory() + "looptop-theme-\(getpid())-\(Int.random(in: 0..<1_000_000))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fifo = dir + "/fifo.toml"
        #expect(mkfifo(fifo, 0o600) == 0)
        let error = try #require(throws: ConfigError.self) { try ThemeLoader.load(path: fifo) }
        #expect(error.message == "is a FIFO (named pipe); expected a regular TOML file")
        let device = try #require(throws: ConfigError.self) { try ThemeLoader.load(path: "/dev/zero") }
        #expect(device.message == "is a device; expected a regular TOML file")
    }
}

/// Issue #12 through the real binary: hostile files and absurd flags end in
/// a short refusal and an exit code, never a signal or a hang; a reader that
/// goes away ends a headless run quietly.
@Suite(.serialized, .enabled(if: EndToEnd.binary != nil, "no looptop binary next to the tests (swift build first)"))
struct HostileInputTests {
    struct Outcome {
        var status: Int32 = 0
        var stdout = [UInt8]()
        var stderr = [UInt8]()
        var exited: Bool { status & 0x7F == 0 }
        var exitCode: Int32 { (status >> 8) & 0xFF }
        var signal: Int32 { status & 0x7F }
        var errorText: String { String(decoding: stderr, as: UTF8.self) }
        var summary: String { exited ? "exit \(exitCode): \(errorText)" : "signal \(signal): \(errorText)" }
    }

    /// Runs looptop with `arguments`, reading both pipes while it runs (a
    /// full pipe would stall it). `stopReadingAfter` bytes of stdout, the
    /// read end is closed, as `| head -c N` does. Killed after `bound` seconds:
    /// that only turns a hang into a failure, it is not a timed assertion.
    static func run(_ arguments: [String], stopReadingAfter: Int? = nil, bound: Double = 120) -> Outcome {
        var out: [Int32] = [0, 0], err: [Int32] = [0, 0]
        guard pipe(&out) == 0, pipe(&err) == 0 else { return Outcome(status: -1) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO)
        posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO)
        for fd in out + err { posix_spawn_file_actions_addclose(&actions, fd) }
        let binary = EndToEnd.binary!
        let argv = ([binary] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, binary, &actions, nil, argv, environ)
        posix_spawn_file_actions_destroy(&actions)
        close(out[1]); close(err[1])
        var outcome = Outcome()
        guard spawned == 0 else { close(out[0]); close(err[0]); return Outcome(status: -1) }
        var open = [out[0], err[0]]
        let deadline = Date().addingTimeInterval(bound)
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while !open.isEmpty {
            if Date() > deadline { kill(pid, SIGKILL); break }
            var polls = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            guard poll(&polls, nfds_t(polls.count), 200) > 0 else { continue }
            for p in polls where p.revents != 0 {
                let n = read(p.fd, &buffer, buffer.count)
                if n <= 0 {
                    close(p.fd)
                    open.removeAll { $0 == p.fd }
                    continue
                }
                if p.fd == out[0] {
                    outcome.stdout += buffer[0..<n]
                    if let limit = stopReadingAfter, outcome.stdout.count >= limit {
                        close(p.fd)
                        open.removeAll { $0 == p.fd }
                    }
                } else {
                    outcome.stderr += buffer[0..<n]
                }
            }
        }
        open.forEach { close($0) }
        waitpid(pid, &outcome.status, 0)
        return outcome
    }

    static func expectRefusal(_ outcome: Outcome, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(outcome.exited && (1...125).contains(outcome.exitCode), "\(outcome.summary)", sourceLocation: sourceLocation)
        let lines = outcome.errorText.split(separator: "\n")
        #expect(!lines.isEmpty && lines.count <= 3, "\(outcome.summary)", sourceLocation: sourceLocation)
        #expect(!outcome.errorText.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" },
                "\(outcome.errorText.debugDescription)", sourceLocation: sourceLocation)
    }

    static func scratch() throws -> String {
        let dir = NSTemporaryDirectory() + "looptop-hostile-\(getpid())-\(Int.random(in: 0..<1_000_000))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test("Issue #12: hostile files as a spec, a theme and a lesson: exit 2 with one line, never a signal")
    func hostileFilesThroughTheBinary() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let texts = ["[", "[.]", "[!]\nk = 1", "a = [true,} false]",
                     "[" + Array(repeating: "a", count: 20_000).joined(separator: ".") + "]\n"]
        var paths: [String] = []
        for (i, text) in texts.enumerated() {
            let path = dir + "/hostile\(i).toml"
            _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
            paths.append(path)
        }
        let fifo = dir + "/fifo.toml"
        #expect(mkfifo(fifo, 0o600) == 0)
        let loop = dir + "/loop.toml"
        #expect(symlink(loop, loop) == 0)
        paths += [fifo, loop, "/dev/zero", dir]
        for path in paths {
            for arguments in [["run", "--headless", "--duration", "0", "--spec", path],
                              ["run", "--theme", path],
                              ["lesson", "--headless", path]] {
                let outcome = Self.run(arguments)
                Self.expectRefusal(outcome)
                #expect(outcome.exitCode == 2, "\(arguments): \(outcome.summary)")
                #expect(outcome.errorText.hasPrefix("looptop: "), "\(arguments): \(outcome.summary)")
            }
        }
    }

    @Test("Issue #12: absurd flag values are refused with a short message, never a signal",
          arguments: [["run", "--headless", "--duration", "1e308"], ["run", "--headless", "--duration", "nan"],
                      ["run", "--headless", "--duration", "-inf"], ["run", "--headless", "--interval", "1e-300"],
                      ["run", "--headless", "--interval", "inf"], ["run", "--workers", "99999999999999999999999"],
                      ["run", "--workers", "-1"], ["run", "--fps", "nan"], ["run", "--job-ms", "1e309"],
                      ["run", "--rate", "-0.0001"], ["run", "--queue", "0"], ["run", "--input-kb", "nan"],
                      ["run", "--request-rate", "1e400"], ["run", "--mode", "\u{1B}[31mred"],
                      ["run", "--theme", "no\u{1B}such\ntheme"], ["lesson", "--headless", "no\u{7}such"],
                      ["run", "--workload", "\u{1B}]0;title\u{7}"], ["bench", "--runs", "0"],
                      ["workloads", "--spec", "/dev/zero"], ["run", "--arrival", ""], ["run", "--passing", "-"]])
    func absurdFlags(_ arguments: [String]) {
        Self.expectRefusal(Self.run(arguments))
    }

    @Test("Issue #12: a closed stdout ends a headless run quietly, with no signal")
    func closedStdoutEndsTheRun() {
        // `looptop run --headless | head -c 100`: the reader leaves after 100 bytes.
        let outcome = Self.run(["run", "--headless", "--interval", "0.05", "--duration", "600"], stopReadingAfter: 100)
        #expect(outcome.stdout.count >= 100)
        #expect(outcome.exited && outcome.exitCode == 0, "\(outcome.summary)")
        #expect(outcome.stderr.isEmpty, "\(outcome.errorText)")
    }

    @Test("Issue #12: a closed stdout ends a headless attach quietly, with no signal")
    func closedStdoutEndsAnAttach() {
        // `looptop attach PID --headless | head -c 100` trapped in FileHandle.write (SIGILL) before.
        let outcome = Self.run(["attach", "\(getpid())", "--headless", "--interval", "0.05", "--duration", "600"],
                               stopReadingAfter: 100)
        #expect(outcome.stdout.count >= 100)
        #expect(outcome.exited && outcome.exitCode == 0, "\(outcome.summary)")
        #expect(outcome.stderr.isEmpty, "\(outcome.errorText)")
    }

    @Test("Issue #12: a closed stdout ends a headless replay quietly, with no signal")
    func closedStdoutEndsAReplay() throws {
        let path = NSTemporaryDirectory() + "looptop-closed-\(getpid())-\(UUID().uuidString.prefix(6)).jsonl"
        defer { unlink(path) }
        let record = Self.run(["run", "--headless", "--rate", "0", "--duration", "1", "--interval", "0.1", "--record", path])
        try #require(record.exited && record.exitCode == 0, "\(record.summary)")
        let outcome = Self.run(["replay", path, "--headless", "--interval", "0.1"], stopReadingAfter: 10)
        #expect(outcome.stdout.count >= 10)
        #expect(outcome.exited && outcome.exitCode == 0, "\(outcome.summary)")
        #expect(outcome.stderr.isEmpty, "\(outcome.errorText)")
    }

    /// `--json PATH` writes into what PATH names. Attach, replay and node
    /// once made it with `FileManager.createFile`, which writes a new file
    /// and renames it over PATH: `--json /dev/null` replaced the machine's
    /// /dev/null with a regular file (run as root, it did, here). A symlink
    /// shows the same without touching /dev: it must stay a link, and its
    /// target get the lines.
    @Test("Issue #12: --json writes through the path it is given, never replacing it", arguments: ["attach", "replay", "run"])
    func jsonWritesIntoThePathNotOverIt(command: String) throws {
        let dir = NSTemporaryDirectory() + "looptop-json-\(getpid())-\(UUID().uuidString.prefix(6))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let target = dir + "/target.jsonl", link = dir + "/link.jsonl", recording = dir + "/run.jsonl"
        _ = FileManager.default.createFile(atPath: target, contents: nil)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        let arguments: [String]
        switch command {
        case "attach": arguments = ["attach", "\(getpid())", "--headless", "--interval", "0.1", "--duration", "0.3", "--json", link]
        case "replay":
            let made = Self.run(["run", "--headless", "--rate", "0", "--duration", "0.5", "--interval", "0.1", "--record", recording])
            try #require(made.exited && made.exitCode == 0, "\(made.summary)")
            arguments = ["replay", recording, "--headless", "--json", link]
        default: arguments = ["run", "--headless", "--rate", "0", "--duration", "0.3", "--interval", "0.1", "--json", link]
        }
        let outcome = Self.run(arguments)
        #expect(outcome.exited && outcome.exitCode == 0, "\(outcome.summary)")
        let kind = try FileManager.default.attributesOfItem(atPath: link)[.type] as? FileAttributeType
        #expect(kind == .typeSymbolicLink, "\(command) --json replaced the link with a \(String(describing: kind))")
        let written = try String(contentsOfFile: target, encoding: .utf8)
        #expect(written.contains("\"summary\":true"), "\(command): \(written.prefix(200))")
    }

    static let nodeInstalled = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        .contains { access("\($0)/node", X_OK) == 0 }

    @Test("Issue #12: a closed stdout ends a headless node watch quietly and stops the app",
          .enabled(if: nodeInstalled, "node is not installed: the node watch is not tried"))
    func closedStdoutEndsANodeWatch() throws {
        let script = NSTemporaryDirectory() + "looptop-closed-\(getpid())-\(UUID().uuidString.prefix(6)).js"
        defer { unlink(script) }
        try "setInterval(() => {}, 50);\n".write(toFile: script, atomically: true, encoding: .utf8)
        // The app runs forever: only the reader leaving ends it.
        let outcome = Self.run(["node", "--headless", "--interval", "0.05", "--", script], stopReadingAfter: 10)
        #expect(outcome.stdout.count >= 10)
        #expect(outcome.exited && outcome.exitCode == 0, "\(outcome.summary)")
        // And the app is gone with it: no process runs the script.
        let running = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).filter { entry in
            guard Int(entry) != nil, let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { return false }
            return String(decoding: data, as: UTF8.self).contains(script)
        }
        #expect(running.isEmpty, "still running: \(running)")
    }

    @Test("Issue #12: a closed stdout ends a headless lesson quietly, with no signal")
    func closedStdoutEndsALesson() throws {
        let name = try #require(Lesson.builtIn.first?.name)
        let outcome = Self.run(["lesson", "--headless", name], stopReadingAfter: 10)
        #expect(outcome.stdout.count >= 10)
        #expect(outcome.exited && outcome.exitCode == 0, "\(outcome.summary)")
    }
}

/// Help reads as written: ArgumentParser breaks a line longer than 80
/// columns and starts the rest at column 0, which left words alone on a line
/// ("(0..1),", "printed", "2."). Every help text is wrapped before it sees it.
@Suite struct HelpTextTests {
    @Test(arguments: [[String](), ["run"], ["attach"], ["replay"], ["lesson"], ["workloads"], ["themes"],
                      ["bench"], ["threads-demo"], ["node"], ["compare"]])
    func noLineOfHelpIsBrokenByArgumentParser(_ command: [String]) {
        let outcome = HostileInputTests.run(command + ["--help"])
        let out = String(decoding: outcome.stdout, as: UTF8.self)
        let text = out.isEmpty ? outcome.errorText : out
        let discussion = text.split(separator: "\n", omittingEmptySubsequences: false)
            .prefix { !$0.hasPrefix("USAGE:") }.dropFirst(2)  // the OVERVIEW line(s) are ArgumentParser's own
        #expect(!discussion.isEmpty, "\(command): \(text)")
        let lines = Array(discussion)
        for i in lines.indices.dropFirst().dropLast() {
            // A line of one or two words right after a full line, with more
            // text after it, is a broken one (a paragraph's last word ends
            // before a blank line).
            let (previous, line, next) = (lines[i - 1], lines[i], lines[i + 1])
            let words = line.split(separator: " ")
            #expect(!(previous.count >= 70 && !line.hasPrefix(" ") && (1...2).contains(words.count) && !next.isEmpty),
                    "\(command): \(previous) | \(line)")
        }
    }
}
