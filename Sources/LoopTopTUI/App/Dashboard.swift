#if canImport(Glibc)
import Glibc
#endif
import LoopTopEngine

/// The live dashboard's entry points.
///
/// ```swift
/// Dashboard.blockSignals()                  // first, before any thread starts
/// Dashboard.installFatalSignalRestore()
/// if let problem = Dashboard.terminalProblem() {
///     print(problem)                        // points to --headless
///     exit(2)
/// }
/// let engine = Engine()
/// let code = Dashboard.run(engine: engine, options: DashboardOptions())
/// engine.stop()
/// exit(code)
/// ```
public enum Dashboard {
    /// Signals the dashboard reads from a signalfd: quit on INT, TERM, HUP,
    /// QUIT (exit 128 + signal); re-lay out on WINCH.
    public static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH]

    /// Blocks ``signals`` in the calling thread, and so in every thread it
    /// starts afterwards. Call it first thing in `main`, before the engine
    /// starts its threads: then only the dashboard's signalfd hears them, and
    /// no signal can kill the process without the terminal being restored.
    public static func blockSignals() {
        var set = sigset_t()
        sigemptyset(&set)
        for s in signals { sigaddset(&set, s) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Installs handlers for SIGSEGV, SIGILL, SIGBUS, SIGABRT, SIGFPE and
    /// SIGTRAP that restore the terminal while the dashboard runs and then
    /// chain to the handler that was there before (the Swift runtime's
    /// backtracer). Idempotent; ``run(engine:options:)`` calls it too.
    public static func installFatalSignalRestore() { FatalRestore.install() }

    /// Why the dashboard cannot run here, as one line pointing to
    /// `--headless` (stdin or stdout not a terminal, TERM unset, `dumb` or
    /// unknown), or nil if it can.
    public static func terminalProblem() -> String? { TerminalCheck.current() }

    /// Runs the dashboard on the calling thread until the user quits or a
    /// signal ends it, then restores the terminal. Starts the engine if it
    /// is not running; does not stop it (the caller does, after the terminal
    /// is back).
    ///
    /// - Returns: the exit code: 0 after `q`, 128 + signal after SIGINT
    ///   (or Ctrl-C), SIGTERM, SIGHUP or SIGQUIT; 2 if there is no usable
    ///   terminal (the reason goes to stderr).
    public static func run(engine: Engine, options: DashboardOptions = DashboardOptions()) -> Int32 {
        run(source: engine, options: options)
    }

    /// Runs the dashboard for any source (the engine, a recording, a
    /// watched program): it shows the keys and panels the source supports.
    /// Starts the source; does not stop it.
    public static func run(source: any SnapshotSource, options: DashboardOptions = DashboardOptions()) -> Int32 {
        blockSignals()
        if let problem = terminalProblem() {
            printError(problem)
            return 2
        }
        installFatalSignalRestore()
        source.start()
        return DashboardApp(source: source, options: options).run()
    }
}
