import ArgumentParser
import Foundation
import LoopTopEngine
import LoopTopMetrics
import LoopTopTUI

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the engine: the live dashboard, or --headless for JSON Lines.",
        discussion: """
            HEADLESS OUTPUT
              One JSON object per interval, then a summary object with "summary": true.
              Every line has: mode, workers, lag_ms {p50, p99, max}, loop_utilization (0..1),
              requests {completed, completed_total, latency_ms {p50, p99, max}},
              jobs {submitted, queued, running, completed, failed, cancelled, rejected}.
              Times are in ms. Latencies cover the line's interval (the whole run in the
              summary); job counts are cumulative, so on every line
                submitted == queued + running + completed + failed + cancelled + rejected.
              SIGINT or SIGTERM ends the run early with the summary written.

            METRICS
              --metrics HOST:PORT serves the run's figures at http://HOST:PORT/metrics in the
              Prometheus text format, dashboard or headless. It listens on exactly that
              address (127.0.0.1 keeps it on this machine; port 0 picks a free port, printed
              on stderr when headless), on a thread of its own (looptop-metrics in ps -L).
              Every other path is a 404. The figures are those of the newest snapshot: one
              per frame in the dashboard, one per --interval headless. Histograms
              (looptop_loop_lag_seconds, looptop_requests_latency_seconds, looptop_job_wait_seconds,
              looptop_job_run_seconds) cover the whole run; *_ratio gauges the recent window.
              An address that cannot be bound (in use, not this machine's): one line, exit 2.

            EXAMPLES
              looptop run --headless --mode blocking --job-ms 200 --rate 2 --duration 5
              looptop run --headless --workers 2 --json out.jsonl --duration 10
              looptop run --metrics 127.0.0.1:9464
            """)

    @OptionGroup var engine: EngineOptions

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

    @Option(help: ArgumentHelp("Serve Prometheus metrics at http://HOST:PORT/metrics (e.g. 127.0.0.1:9464), listening on exactly that address.", valueName: "host:port"))
    var metrics: String?

    @OptionGroup var theme: ThemeOption

    func validate() throws {
        if let metrics {
            do { _ = try MetricsAddress(parsing: metrics) } catch { throw ValidationError(error.description) }
        }
        if let duration, !(duration.isFinite && duration >= 0) {
            throw ValidationError("--duration must be a number of seconds >= 0, got \(duration)")
        }
        guard interval.isFinite, interval >= 0.01, interval <= 3600 else {
            throw ValidationError("--interval must be between 0.01 and 3600 seconds, got \(interval)")
        }
        guard fps.isFinite, fps >= 1, fps <= 60 else {
            throw ValidationError("--fps must be between 1 and 60, got \(fps)")
        }
    }

    func run() throws {
        if headless {
            try runHeadless()
        } else {
            try runDashboard()
        }
    }

    private func runHeadless() throws {
        let sink: FileHandle
        if let json {
            guard FileManager.default.createFile(atPath: json, contents: nil),
                  let handle = FileHandle(forWritingAtPath: json) else {
                throw ValidationError("--json: cannot write '\(json)'")
            }
            sink = handle
        } else {
            sink = FileHandle.standardOutput
        }
        // Listen before measuring anything: a port in use fails at once.
        let exporter = try startMetrics()
        if let exporter {
            FileHandle.standardError.write(Data("looptop: metrics at \(exporter.server.url)\n".utf8))
        }
        let engine = try self.engine.makeEngine(windowSeconds: max(interval, 1), distributions: exporter != nil)
        let signals = Signals()
        var runner = HeadlessRunner(interval: interval, duration: duration)
        if let box = exporter?.box { runner.onSnapshot = { box.publish($0) } }
        runner.run(engine: engine, write: { line in
            sink.write(Data((line + "\n").utf8))
        }, wait: { deadline in
            signals.wait(untilMonotonic: deadline) == nil
        })
        engine.stop()
        exporter?.server.stop()
        if json != nil { try? sink.close() }
    }

    private func runDashboard() throws {
        // Files first: a bad theme or spec is reported the same with or without a terminal.
        let chosenTheme = try theme.load()
        _ = try self.engine.loadSpec()
        // Before the screen changes: a port in use is one line on the terminal as it was.
        let exporter = try startMetrics()
        Dashboard.installFatalSignalRestore()
        if let problem = Dashboard.terminalProblem() {
            FileHandle.standardError.write(Data("\(problem)\n".utf8))
            throw ExitCode(2)
        }
        let engine = try self.engine.makeEngine(distributions: exporter != nil)
        var options = DashboardOptions(framesPerSecond: fps)
        options.specPath = self.engine.spec
        options.theme = chosenTheme
        if let box = exporter?.box { options.onSnapshot = { box.publish($0) } }
        let code = Dashboard.run(engine: engine, options: options)
        engine.stop()
        exporter?.server.stop()
        if code != 0 { throw ExitCode(code) }
    }

    /// The `--metrics` server, listening, or nil without the option. An
    /// address it cannot bind is one line and exit 2.
    private func startMetrics() throws -> (server: MetricsServer, box: SnapshotBox)? {
        guard let metrics else { return nil }
        let box = SnapshotBox()
        do {
            let address = try MetricsAddress(parsing: metrics)
            return (try MetricsServer.start(at: address, box: box), box)
        } catch let error as MetricsServerError {
            throw FileError(message: error.description)
        } catch {
            throw FileError(message: "\(error)")
        }
    }
}

extension String {
    func leftPad(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
