#if canImport(Glibc)
import Glibc
#endif
import Testing

/// Drives the real `looptop` binary in tmux: keys in, the pane captured as
/// text. Each check polls the pane until it holds or a bound passes (the
/// dashboard draws at 10 fps; nothing here depends on a sleep being long
/// enough). Skipped with a message where tmux or the binary is missing.
@Suite(.serialized, .enabled(if: EndToEnd.available, EndToEnd.skipReason))
struct EndToEndTests {
    @Test func spawnModeSwitchHelpAndQuit() throws {
        let pane = try Pane(cols: 120, rows: 36)
        defer { pane.kill() }
        try pane.waitFor("Workers") { $0.contains("workers 4 (") }
        let before = pane.workerRows()
        pane.keys("+")
        try pane.waitFor("a fifth worker row") { _ in pane.workerRows() == before + 1 }

        // Blocking with a 320 ms job: the lag reads over 150 ms while keys still answer.
        pane.keys("b", "]", "]", "]", "]")
        try pane.waitFor("BLOCKING and 320 ms") { $0.contains("BLOCKING") && $0.contains("primes 320 ms") }
        try pane.waitFor("lag max over 150 ms", seconds: 15) { screen in
            EndToEnd.lagMaxMs(screen).map { $0 > 150 } ?? false
        }
        pane.keys("?")
        try pane.waitFor("the help") { $0.contains("any key closes") }
        pane.keys("Escape")
        try pane.waitFor("help closed") { !$0.contains("any key closes") }
        pane.keys("b", "b", "[", "[", "[", "[")
        try pane.waitFor("back to OFFLOADED") { $0.contains("OFFLOADED") && $0.contains("primes 20 ms") }

        pane.keys("q")
        try pane.waitFor("the shell back") { $0.contains("EXIT=0") }
        #expect(pane.restored())
    }

    @Test func resizeRelaysOutAtOnce() throws {
        let pane = try Pane(cols: 100, rows: 30)
        defer { pane.kill() }
        try pane.waitFor("the dashboard") { $0.contains("Event loop") }
        pane.resize(cols: 40, rows: 12)
        try pane.waitFor("the compact view") { $0.contains("queue") && $0.contains("┌ Workers") && !$0.contains("Event loop") }
        pane.resize(cols: 30, rows: 8)
        try pane.waitFor("the size message") { $0.contains("needs 40x12") }
        pane.resize(cols: 100, rows: 30)
        try pane.waitFor("the full view again") { $0.contains("Event loop") }
        pane.keys("C-c")
        try pane.waitFor("exit 130 after Ctrl-C") { $0.contains("EXIT=130") }
        #expect(pane.restored())
    }

    @Test func sigtermRestoresTheTerminal() throws {
        let pane = try Pane(cols: 100, rows: 30)
        defer { pane.kill() }
        try pane.waitFor("the dashboard") { $0.contains("Event loop") }
        let pid = try #require(pane.programPID())
        kill(pid, SIGTERM)
        try pane.waitFor("exit 143 after SIGTERM") { $0.contains("EXIT=143") }
        #expect(pane.restored())
    }
}

extension EndToEndTests {
    /// Issue 7: a lesson shows its captions in their own panel and `n` steps.
    @Test func lessonShowsItsCaptionPanelAndSteps() throws {
        let pane = try Pane(cols: 120, rows: 36, arguments: "lesson blocked-loop")
        defer { pane.kill() }
        try pane.waitFor("the lesson panel at step 1", seconds: 15) {
            $0.contains("Lesson: The blocked loop · step 1/3") && $0.contains("Requests arrive 200 times a second")
        }
        pane.keys("n")
        try pane.waitFor("step 2 and its caption") {
            $0.contains("step 2/3") && $0.contains("The same jobs now run on the loop") && !$0.contains("Requests arrive")
        }
        pane.keys("Space")
        try pane.waitFor("the lesson paused") { $0.contains("PAUSED") && $0.contains("space resume lesson") }
        pane.keys("q")
        try pane.waitFor("the shell back") { $0.contains("EXIT=0") }
        #expect(pane.restored())
    }

    /// Issue 6: the high-contrast theme draws at 256 colors and at 8, and
    /// leaves the terminal as it was. (`t` cycles to it; `--theme` is the CLI's.)
    @Test(arguments: ["xterm-256color", "xterm"])
    func highContrastThemeDraws(term: String) throws {
        let pane = try Pane(cols: 100, rows: 30, environment: "TERM=\(term) LANG=C.UTF-8")
        defer { pane.kill() }
        try pane.waitFor("the dashboard") { $0.contains("Event loop") }
        // Each press waits for the notice to name the next theme: an earlier
        // notice still on screen must not pass for it (a loaded CI machine
        // pressed on past high-contrast that way).
        func shownTheme(_ screen: String) -> String? {
            guard let r = screen.range(of: #"theme [A-Za-z0-9_.-]+ +\(t: next theme\)"#, options: .regularExpression) else { return nil }
            return screen[r].split(separator: " ").dropFirst().first.map(String.init)
        }
        var presses = 0
        var shown = shownTheme(pane.capture())
        while shown != "high-contrast", presses < 12 {
            let before = shown
            pane.keys("t")
            presses += 1
            try pane.waitFor("theme notice \(presses)") { screen in
                let now = shownTheme(screen)
                return now != nil && now != before
            }
            shown = shownTheme(pane.capture())
        }
        try pane.waitFor("the high-contrast theme") { $0.contains("theme high-contrast") && $0.contains("Event loop") }
        // Black background, and the panel titles in (bright) cyan: 96 at 256 colors, 36 at 8.
        let cyan = term == "xterm" ? "\u{1B}[36m" : "\u{1B}[96m"
        try pane.waitFor("high-contrast colors") { _ in
            let colors = pane.run(["capture-pane", "-p", "-e", "-t", pane.name])
            return colors.contains("\u{1B}[40m") && colors.contains(cyan)
        }
        pane.keys("q")
        try pane.waitFor("the shell back") { $0.contains("EXIT=0") }
        #expect(pane.restored())
    }

    /// Closing the terminal under the dashboard ends it (it used to spin on
    /// the dead descriptor when the hangup signal went to the shell only).
    @Test func exitsWhenTheTerminalGoesAway() throws {
        let pane = try Pane(cols: 100, rows: 30)
        try pane.waitFor("the dashboard") { $0.contains("Event loop") }
        let pid = try #require(pane.programPID())
        pane.kill()
        let deadline = Pane.now() + 5
        while Pane.now() < deadline && kill(pid, 0) == 0 { usleep(50_000) }
        #expect(kill(pid, 0) != 0, "looptop \(pid) still runs after its terminal closed")
        if kill(pid, 0) == 0 { kill(pid, SIGKILL) }
    }
}

enum EndToEnd {
    static let tmux: String? = ["/usr/bin/tmux", "/usr/local/bin/tmux"].first { (path: String) in access(path, X_OK) == 0 }

    /// The `looptop` built next to this test bundle.
    static let binary: String? = {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        var path = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        while let last = path.last, last != "/" { path.removeLast() }
        let candidate = path + "looptop"
        return access(candidate, X_OK) == 0 ? candidate : nil
    }()

    static var available: Bool { tmux != nil && binary != nil && getenv("LOOPTOP_SKIP_TMUX") == nil }

    static var skipReason: Comment {
        if tmux == nil { return "tmux is not installed: end-to-end dashboard tests skipped" }
        if binary == nil { return "no looptop binary next to the tests (swift build first): end-to-end tests skipped" }
        return "LOOPTOP_SKIP_TMUX is set"
    }

    /// The "max" figure of the loop panel's lag line, in ms.
    static func lagMaxMs(_ screen: String) -> Double? {
        guard let line = screen.split(separator: "\n").first(where: { $0.contains("lag p50") }),
              let range = line.range(of: "max ") else { return nil }
        let rest = line[range.upperBound...].split(separator: " ")
        guard rest.count >= 2, let value = Double(rest[0]) else { return nil }
        return rest[1].hasPrefix("s") ? value * 1000 : value
    }
}

/// One tmux session running looptop, then a shell line that prints its exit code.
struct Pane {
    let name: String

    /// - Parameters:
    ///   - arguments: what follows `looptop` on its command line.
    ///   - environment: `NAME=value` words before it (TERM, LANG by default).
    init(cols: Int, rows: Int, arguments: String = "", environment: String = "TERM=tmux-256color LANG=C.UTF-8") throws {
        name = "looptop-e2e-\(getpid())-\(Int.random(in: 0..<1_000_000))"
        // `swift test` runs tests with NO_COLOR=1, which tmux would pass on: the
        // panes get the colors a user's terminal would.
        let command = "env -u NO_COLOR -u COLORTERM \(environment) \(EndToEnd.binary!) \(arguments); echo EXIT=$?; sleep 60"
        // The first client forks the server, which would hold a captured stdout open forever.
        run(["new-session", "-d", "-s", name, "-x", "\(cols)", "-y", "\(rows)", command], capture: false)
    }

    func keys(_ keys: String...) {
        for key in keys { _ = run(["send-keys", "-t", name, key]) }
    }

    func resize(cols: Int, rows: Int) {
        _ = run(["resize-window", "-t", name, "-x", "\(cols)", "-y", "\(rows)"])
    }

    func capture() -> String { run(["capture-pane", "-p", "-t", name]) }

    func kill() { _ = run(["kill-session", "-t", name]) }

    /// Alternate screen off and cursor visible: the terminal is the shell's again.
    func restored() -> Bool {
        run(["display", "-p", "-t", name, "#{alternate_on} #{cursor_flag}"]).hasPrefix("0 1")
    }

    func programPID() -> pid_t? {
        let shell = pid_t(run(["display", "-p", "-t", name, "#{pane_pid}"]).filter(\.isNumber)) ?? 0
        guard shell > 0 else { return nil }
        // The program is the shell's child.
        let children = Pane.contents(of: "/proc/\(shell)/task/\(shell)/children")
        return children.split(separator: " ").first.flatMap { pid_t($0) }
    }

    static func contents(of path: String) -> String {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return "" }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = Glibc.read(fd, &buffer, buffer.count)
        return n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self) : ""
    }

    /// Rows of the workers table (lines starting "│ ... <id> <state>").
    func workerRows() -> Int {
        capture().split(separator: "\n").filter { line in
            let words = line.split(separator: " ")
            return words.count > 2 && ["starting", "idle", "running", "stopping"].contains(String(words[2]))
                && Int(words[1]) != nil
        }.count
    }

    /// Polls the pane every 50 ms until `condition` holds, for at most `seconds`.
    func waitFor(_ what: String, seconds: Double = 10, _ condition: (String) -> Bool) throws {
        let deadline = Pane.now() + seconds
        var screen = ""
        while Pane.now() < deadline {
            screen = capture()
            if condition(screen) { return }
            usleep(50_000)
        }
        Issue.record("waited \(seconds) s for \(what); the pane shows:\n\(screen)")
        throw PaneTimeout()
    }

    struct PaneTimeout: Error {}

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Runs tmux on this pane's own server (its socket is the pane's name, so
    /// tests never touch the user's sessions nor race a server shutting down).
    @discardableResult
    func run(_ arguments: [String], capture: Bool = true) -> String {
        Pane.run(["-L", name] + arguments, capture: capture)
    }

    /// Runs tmux with `arguments` and returns its standard output.
    @discardableResult
    static func run(_ arguments: [String], capture: Bool = true) -> String {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return "" }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        if capture {
            posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO)
        } else {
            for fd in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO] {
                posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == STDIN_FILENO ? O_RDONLY : O_WRONLY, 0)
            }
        }
        posix_spawn_file_actions_addclose(&actions, fds[0])
        posix_spawn_file_actions_addclose(&actions, fds[1])
        let argv = ([EndToEnd.tmux!] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, EndToEnd.tmux!, &actions, nil, argv, environ)
        posix_spawn_file_actions_destroy(&actions)
        close(fds[1])
        var output = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while spawned == 0 {
            let n = read(fds[0], &buffer, buffer.count)
            if n <= 0 { break }
            output += buffer[0..<n]
        }
        close(fds[0])
        var status: Int32 = 0
        if spawned == 0 { waitpid(pid, &status, 0) }
        return String(decoding: output, as: UTF8.self)
    }
}

extension EndToEndTests {
    /// Issue 11 (point 8): under TERM=xterm-256color (and xterm) in tmux, Home,
    /// End, PgUp and PgDn move the selection and leave the job size alone,
    /// whichever form of the sequence arrives; unknown sequences do nothing.
    @Test(arguments: ["xterm-256color", "xterm", "tmux-256color"])
    func homeEndAndPagesMoveTheSelectionOnly(term: String) throws {
        let pane = try Pane(cols: 120, rows: 36, arguments: "--workers 6", environment: "TERM=\(term) LANG=C.UTF-8")
        defer { pane.kill() }
        try pane.waitFor("the dashboard") { $0.contains("primes 20 ms") && pane.workerRows() == 6 }
        pane.keys("End")
        try pane.waitFor("the last worker selected") { _ in pane.selectedWorker() == 6 }
        pane.keys("Home")
        try pane.waitFor("the first worker selected") { _ in pane.selectedWorker() == 1 }
        pane.keys("NPage")
        try pane.waitFor("a page down") { _ in pane.selectedWorker() == 6 }
        pane.keys("PPage")
        try pane.waitFor("a page up") { _ in pane.selectedWorker() == 1 }
        // Every other usual form, sent as raw bytes.
        let forms: [(String, Int)] = [("\u{1B}[4~", 6), ("\u{1B}[7~", 1), ("\u{1B}[8~", 6), ("\u{1B}[H", 1),
                                      ("\u{1B}[F", 6), ("\u{1B}OH", 1), ("\u{1B}OF", 6), ("\u{1B}[1~", 1),
                                      ("\u{1B}[6~", 6), ("\u{1B}[5~", 1)]
        for (bytes, worker) in forms {
            _ = pane.run(["send-keys", "-l", "-t", pane.name, bytes])
            try pane.waitFor("worker \(worker) after \(bytes.dropFirst())") { _ in pane.selectedWorker() == worker }
        }
        // F5, Insert, Delete, an unknown sequence and a mouse report: nothing happens.
        // (Not a bare ESC [: with the ] sent next it makes the complete,
        // unknown sequence ESC [ ], rightly dropped, whenever both arrive in
        // one read; that case is the decoder tests'.)
        for bytes in ["\u{1B}[15~", "\u{1B}[2~", "\u{1B}[3~", "\u{1B}[99~", "\u{1B}[<0;3;4M"] {
            _ = pane.run(["send-keys", "-l", "-t", pane.name, bytes])
        }
        // A key after them still acts, and the size is the one it sets.
        pane.keys("]")
        try pane.waitFor("40 ms after one ]") { $0.contains("primes 40 ms") }
        #expect(pane.selectedWorker() == 1, "the selection stays (Esc would have cleared it)")
        pane.keys("q")
        try pane.waitFor("the shell back") { $0.contains("EXIT=0") }
        #expect(pane.restored())
    }
}

extension Pane {
    /// The id on the row marked ">" in the workers table, if a row is.
    func selectedWorker() -> Int? {
        for line in capture().split(separator: "\n") {
            let words = line.split(separator: " ")
            if words.count > 2, words[0] == "│>" || (words[0] == "│" && words[1] == ">") {
                return Int(words[0] == "│>" ? words[1] : words[2])
            }
        }
        return nil
    }
}
