import ArgumentParser
import Foundation
import LoopTopEngine
import LoopTopMetrics
import LoopTopTUI

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the engine: the live dashboard, or --headless for JSON Lines.",
        discussion: helpText("""
            HEADLESS OUTPUT
              One JSON object per interval, then a summary object with "summary": true.
              Every line has: mode, workers, lag_ms {p50, p99, max}, loop_utilization (0..1),
              requests {completed, completed_total, latency_ms {p50, p99, max}},
              jobs {submitted, queued, running, completed, failed, cancelled, rejected},
              loop_late_share {over_10ms, over_50ms, over_100ms}: share (0..1) of the
                line's time the loop was late by more than 10/50/100 ms (a timer 200 ms
                late adds 150 ms to over_50ms), which lag percentiles can hide.
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
            """))

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

    @Option(help: ArgumentHelp("Record the run's frames to this file, 10 a second (JSON Lines); `looptop replay FILE` plays it back.", valueName: "file"))
    var record: String?

    @OptionGroup var metrics: MetricsOption

    @OptionGroup var theme: ThemeOption

    func validate() throws {
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

    func run() throws {
        if headless {
            try runHeadless()
        } else {
            try runDashboard()
        }
    }

    private func runHeadless() throws {
        let sink = try LineSink.open(json: json)
        // Listen before measuring anything: a port in use fails at once.
        let exporter = try metrics.start()
        if let exporter {
            writeToStderr("looptop: metrics at \(exporter.server.url)\n")
        }
        if let record { try Self.checkWritable(record) }
        let engine = try self.engine.makeEngine(windowSeconds: max(interval, 1), distributions: exporter != nil)
        let recorder = try openRecorder(for: engine)
        let signals = Signals()
        var runner = HeadlessRunner(interval: interval, duration: duration)
        if let box = exporter?.box { runner.onSnapshot = { box.publish($0) } }
        // A reader that has gone (`| head`) ends the run like a signal does.
        runner.run(engine: engine, write: sink.write, wait: { deadline in
            sink.isOpen && signals.wait(untilMonotonic: deadline) == nil
        })
        recorder?.finish(engine)
        engine.stop()
        exporter?.server.stop()
        if json != nil { close(sink.fd) }
        if let failure = recorder?.failure { writeToStderr("looptop: \(failure)\n") }
        if let failure = sink.failure {
            throw FileError(message: "\(json ?? "stdout"): cannot write: \(failure)")
        }
    }

    /// The recorder `--record` asks for, attached before the engine starts
    /// (so its first frame holds everything); a path that cannot be written
    /// is one line and exit 2, before anything else happens.
    private func openRecorder(for engine: Engine) throws -> Recorder? {
        guard let record else { return nil }
        do {
            let recorder = try Recorder(path: record, historyLength: engine.configuration.historyLength)
            recorder.attach(to: engine)
            return recorder
        } catch let error as RecordingError {
            throw FileError(message: error.message)
        }
    }

    private func runDashboard() throws {
        // Files first: a bad theme or spec is reported the same with or without a terminal.
        let chosenTheme = try theme.load()
        _ = try self.engine.loadSpec()
        // Before the screen changes: a port in use is one line on the terminal as it was.
        let exporter = try metrics.start()
        Dashboard.installFatalSignalRestore()
        if let problem = Dashboard.terminalProblem() {
            writeToStderr("\(problem)\n")
            throw ExitCode(2)
        }
        if let record { try Self.checkWritable(record) }
        let engine = try self.engine.makeEngine(distributions: exporter != nil)
        let recorder = try openRecorder(for: engine)
        var options = DashboardOptions(framesPerSecond: fps)
        options.specPath = self.engine.spec
        options.theme = chosenTheme
        if let box = exporter?.box { options.onSnapshot = { box.publish($0) } }
        let code = Dashboard.run(engine: engine, options: options)
        recorder?.finish(engine)
        engine.stop()
        if let failure = recorder?.failure { writeToStderr("looptop: \(failure)") }
        exporter?.server.stop()
        if code != 0 { throw ExitCode(code) }
    }
}

extension Run {
    /// Fails at once, before the engine measures its workloads, when `path`
    /// cannot be created or written.
    static func checkWritable(_ path: String) throws {
        do {
            _ = try Recorder(path: path)
        } catch let error as RecordingError {
            throw FileError(message: error.message)
        }
    }
}

extension String {
    func leftPad(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
