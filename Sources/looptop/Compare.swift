import ArgumentParser
import Foundation
import LoopTopEngine
import LoopTopTUI

struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Two engines side by side: the same load, left blocking and right offloaded by default.",
        discussion: helpText("""
            Both engines get the same workload, job size, rate and arrivals (the same seed for
            Poisson gaps), each in its own mode, and share this machine's cores. In the dashboard,
            size, rate, workload, pause, burst and spawn keys act on both; a line at the bottom says
            how much longer requests wait on one side than on the other.

            HEADLESS OUTPUT
              One JSON object per interval, then a summary object with "summary": true. Each has
              "left" and "right" objects, each with exactly the keys of a `looptop run --headless`
              line for that engine (its "mode" among them; see `looptop run --help`).

            EXAMPLES
              looptop compare --job-ms 150 --rate 4
              looptop compare --headless --job-ms 150 --rate 4 --duration 5
              looptop compare --left chunked --right offloaded --arrival poisson
            """))

    @OptionGroup var engine: EngineOptions

    @Option(help: ArgumentHelp("Mode of the left engine.", valueName: "mode"))
    var left: Mode = .blocking

    @Option(help: ArgumentHelp("Mode of the right engine.", valueName: "mode"))
    var right: Mode = .offloaded

    @Flag(help: "Run without a terminal and write JSON Lines.")
    var headless = false

    @Option(help: ArgumentHelp("Headless: seconds to run (default: until SIGINT/SIGTERM).", valueName: "seconds"))
    var duration: Double?

    @Option(help: ArgumentHelp("Headless: seconds between lines.", valueName: "seconds"))
    var interval: Double = 1

    @Option(help: ArgumentHelp("Headless: write the lines to this file instead of stdout.", valueName: "file"))
    var json: String?

    @Option(help: ArgumentHelp("Dashboard: frames per second.", valueName: "n"))
    var fps: Double = 10

    @OptionGroup var theme: ThemeOption

    func validate() throws {
        // --mode comes with the run flags; here each side has its own.
        if CommandLine.arguments.contains(where: { $0 == "--mode" || $0.hasPrefix("--mode=") }) {
            throw ValidationError("compare takes --left MODE and --right MODE, not --mode")
        }
        if let duration, !(duration.isFinite && duration >= 0 && duration <= 31_536_000) {
            throw ValidationError("--duration must be between 0 and 31536000 seconds (a year), got \(duration)")
        }
        guard interval.isFinite, interval >= 0.01, interval <= 3600 else {
            throw ValidationError("--interval must be between 0.01 and 3600 seconds, got \(interval)")
        }
        guard fps.isFinite, fps >= 1, fps <= 60 else {
            throw ValidationError("--fps must be between 1 and 60, got \(fps)")
        }
    }

    /// Both engines, from the same options and one measurement of the
    /// workloads, so a job of N ms is the same work on both sides.
    private func makeSource(windowSeconds: Double) throws -> CompareSource {
        _ = try engine.loadSpec()
        let catalog = WorkloadCatalog.calibrated()
        let l = try engine.makeEngine(windowSeconds: windowSeconds, catalog: catalog, mode: left)
        let r = try engine.makeEngine(windowSeconds: windowSeconds, catalog: catalog, mode: right)
        return CompareSource(left: l, right: r)
    }

    func run() throws {
        if headless {
            try runHeadless()
        } else {
            try runDashboard()
        }
    }

    private func runHeadless() throws {
        let sink = try LineSink.open(json: json)
        let source = try makeSource(windowSeconds: max(interval, 1))
        let signals = Signals()
        CompareRunner(interval: interval, duration: duration).run(source: source, write: sink.write, wait: { deadline in
            sink.isOpen && signals.wait(untilMonotonic: deadline) == nil
        })
        source.stop()
        if json != nil { close(sink.fd) }
        if let failure = sink.failure {
            throw FileError(message: "\(json ?? "stdout"): cannot write: \(failure)")
        }
    }

    private func runDashboard() throws {
        let chosenTheme = try theme.load()
        _ = try engine.loadSpec()
        Dashboard.installFatalSignalRestore()
        if let problem = Dashboard.terminalProblem() {
            writeToStderr("\(problem)\n")
            throw ExitCode(2)
        }
        let source = try makeSource(windowSeconds: 5)
        var options = DashboardOptions(framesPerSecond: fps)
        options.theme = chosenTheme
        let code = Dashboard.run(source: source, options: options)
        source.stop()
        if code != 0 { throw ExitCode(code) }
    }
}
