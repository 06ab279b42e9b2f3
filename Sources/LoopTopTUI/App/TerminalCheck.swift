#if canImport(Glibc)
import Glibc
#endif
import CNcurses

/// Whether the dashboard can run here: a terminal on both ends, and a TERM
/// that curses can drive.
enum TerminalCheck {
    /// The problem, as one line, or nil if there is none. Pure, for tests.
    static func problem(term: String?, stdinIsTerminal: Bool, stdoutIsTerminal: Bool,
                        termIsKnown: (String) -> Bool = { _ in true }) -> String? {
        let hint = "use --headless for a text report"
        if !stdoutIsTerminal { return "looptop: standard output is not a terminal; \(hint)" }
        if !stdinIsTerminal { return "looptop: standard input is not a terminal; \(hint)" }
        guard let term, !term.isEmpty else { return "looptop: TERM is not set; \(hint)" }
        if term == "dumb" { return "looptop: TERM=dumb cannot show the dashboard; \(hint)" }
        if !termIsKnown(term) { return "looptop: terminal type '\(term)' is unknown to terminfo; \(hint)" }
        return nil
    }

    /// The problem with this process's terminal, or nil.
    static func current() -> String? {
        let term = getenv("TERM").map { String(cString: $0) }
        return problem(term: term, stdinIsTerminal: isatty(STDIN_FILENO) == 1,
                       stdoutIsTerminal: isatty(STDOUT_FILENO) == 1,
                       termIsKnown: { name in name.withCString { looptop_terminfo_known($0) == 1 } })
    }
}

/// Writes one line to standard error (stdio's `stderr` is a global Swift 6 will not touch).
func printError(_ line: String) {
    let text = line + "\n"
    _ = text.withCString { write(STDERR_FILENO, $0, strlen($0)) }
}
