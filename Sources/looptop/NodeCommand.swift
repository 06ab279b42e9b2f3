import ArgumentParser
import Foundation
import LoopTopEngine
import LoopTopMetrics
import LoopTopNodeInspector
import LoopTopTUI

struct NodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "Watch a Node.js app: its event loop, its Worker threads, and what blocks the loop.",
        usage: "looptop node [--headless] [options] [--] SCRIPT [ARGS...]",
        discussion: helpText("""
            looptop starts `node --require PROBE SCRIPT ARGS...`. The probe (Node 18+, only Node's own
            modules; `looptop node --print-probe` prints it) reports to looptop over a Unix socket in a
            private directory (mode 0700) under $TMPDIR, named by LOOPTOP_SOCKET; it is never a TCP port.
            The app's stdout and stderr pass through unchanged (headless: to looptop's stderr), except
            the three lines Node writes about the inspector ("Debugger listening on ws://...",
            "For help, see: ...", "Debugger attached.").

            WHAT LISTENS WHERE
              The Unix socket above (looptop listens; only the probe of the app it started connects).
              With blame on (the default), the app's inspector listens on 127.0.0.1 at a random port,
              opened by the probe (`inspector.open(0, '127.0.0.1')`; node runs with
              --inspect-publish-uid=stderr, so the URL is not served over HTTP). Any local user who
              learns its URL (ws://127.0.0.1:PORT/UUID) can debug the app while it runs: use --no-blame
              where that matters. looptop itself opens no port, unless --metrics HOST:PORT asks it to
              serve the app's figures at http://HOST:PORT/metrics (looptop_node_* series: loop delay,
              utilization, heap, GC, stalls, each Worker's utilization), on exactly that address.

            FIGURES (each over one probe interval, --interval, unless said)
              lag_ms p50/p99/max   perf_hooks.monitorEventLoopDelay({resolution: 1}) in the app
              lag_recent_max_ms    largest lag over the last 10 s, counting a stall in progress
              loop_utilization     performance.eventLoopUtilization() of the main thread (0..1)
              worker_list[].elu    worker.performance.eventLoopUtilization() of each Worker (0..1)
              heap_used_mb, gc     v8 heap used; GC pauses (PerformanceObserver 'gc'): count, total, longest
              stalls               the loop did not turn for at least --blame-ms: the probe's heartbeat
                                   (every 20 ms) came late; `ms` is how long the loop was busy since the beat
                                   before (libuv idle time), the block as the app would time it. While it was
                                   late (most of --blame-ms without a beat) looptop paused the app
                                   once through the inspector (Debugger.pause), read the JavaScript call
                                   frames (innermost first, lines 1-based) and resumed it. The debugger is
                                   enabled (about 30 ms of the app's CPU, once) when the probe first sees
                                   the loop idle, or else with the first stall's pause.
              late >50/>100 ms     dashboard: share of the last 60 s the loop was late by more than 50 or
                                   100 ms, from the stalls (a stall of S ms is late by more than X for S - X)
              ELU (workers table)  each Worker's event-loop utilization over the last interval: wall time
                                   its loop was busy, not CPU time (a Worker waiting for a CPU still counts)

            HEADLESS OUTPUT
              One JSON object per probe interval: source ("node"), pid, node, t, interval_s, lag_ms
              {p50, p99, max}, lag_recent_max_ms, loop_utilization, heap_used_mb, gc, workers (live),
              worker_list [{id, state, elu}], stalls [{at, ms, frames [{function, file, line}], note,
              text}] (the stalls that ended in the interval), dropped_lines. Then a summary line with
              "summary": true, every stall, top_blockers, exit_code and ending. In the summary lag_ms
              p50 is the median of the lines' p50, p99 the largest line p99, max the largest delay.
              looptop exits with the app's exit code when the app ends by itself; 0 when it stopped the
              app at --duration (SIGTERM, then SIGKILL after 3 s); 2 when node or SCRIPT is missing or
              the probe never connects.

            RECORD
              --record FILE writes the dashboard's frames of the app (10 a second, JSON Lines), each
              carrying the probe's interval figures that arrived since the frame before, and a last
              frame with how the app ended. `looptop replay FILE` plays it in this view (space, ← →,
              [ ], < >; the header says REPLAY); `looptop replay --headless FILE` writes the lines
              above again, with the live lines' figures.

            EXAMPLES
              looptop node --headless --duration 10 server.js --port 8080
              looptop node --headless --json run.jsonl -- app.js
              looptop node --record app.jsonl app.js; looptop replay app.jsonl
              node --require ./probe.cjs app.js     (with LOOPTOP_SOCKET set, after --print-probe > probe.cjs)
            """))

    @Flag(help: "Run without a terminal and write JSON Lines.")
    var headless = false

    @OptionGroup var metrics: MetricsOption

    @Option(help: ArgumentHelp("Seconds to watch, then stop the app (default: until it ends).", valueName: "seconds"))
    var duration: Double?

    @Option(help: ArgumentHelp("Seconds between the probe's figures (one headless line each).", valueName: "seconds"))
    var interval: Double = 1

    @Option(help: ArgumentHelp("Headless: write the lines to this file instead of stdout.", valueName: "file"))
    var json: String?

    @Option(name: .customLong("blame-ms"), help: ArgumentHelp("A stall is the loop not turning for this many ms; each is blamed on the JavaScript running then.", valueName: "ms"))
    var blameMs: Double = 50

    @Flag(name: .customLong("no-blame"), help: "Do not open the app's inspector: stalls are measured, not blamed.")
    var noBlame = false

    @Option(help: ArgumentHelp("The node executable.", valueName: "path"))
    var node: String = "node"

    @Option(name: .customLong("connect-timeout"), help: ArgumentHelp("Seconds the probe has to connect before looptop gives up and stops the app.", valueName: "seconds"))
    var connectTimeout: Double = 10

    @Flag(name: .customLong("print-probe"), help: "Print the probe's JavaScript and exit.")
    var printProbe = false

    @Option(help: ArgumentHelp("Dashboard: frames per second.", valueName: "n"))
    var fps: Double = 10

    @Option(help: ArgumentHelp("Record the app's frames (10 a second, and every probe interval's figures) to this file; `looptop replay FILE` plays it back, headless or in this view.", valueName: "file"))
    var record: String?

    @OptionGroup var theme: ThemeOption

    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("The script and its arguments.", valueName: "script"))
    var command: [String] = []

    func validate() throws {
        if printProbe { return }
        // Everything from SCRIPT on is the app's, so help asked first arrives here.
        if let first = command.first, first == "--help" || first == "-h" { throw CleanExit.helpRequest(self) }
        guard let first = command.first, !first.isEmpty else { throw ValidationError("node: missing SCRIPT (looptop node [options] SCRIPT [ARGS...])") }
        if let duration, !(duration.isFinite && duration >= 0) { throw ValidationError("--duration must be a number of seconds >= 0, got \(duration)") }
        guard interval.isFinite, interval >= 0.05, interval <= 3600 else { throw ValidationError("--interval must be between 0.05 and 3600 seconds, got \(interval)") }
        guard blameMs.isFinite, blameMs >= 5, blameMs <= 600_000 else { throw ValidationError("--blame-ms must be between 5 and 600000, got \(blameMs)") }
        guard connectTimeout.isFinite, connectTimeout > 0, connectTimeout <= 3600 else { throw ValidationError("--connect-timeout must be between 0 and 3600 seconds") }
    }

    func run() throws {
        if printProbe {
            print(NodeProbe.source, terminator: "")
            return
        }
        var args = command
        if args.first == "--" { args.removeFirst() }
        guard let script = args.first else { throw ValidationError("node: missing SCRIPT") }
        guard FileManager.default.fileExists(atPath: script) else { throw FileError(message: "node: no such script: \(script)") }
        var options = NodeApp.Options(script: script, arguments: Array(args.dropFirst()))
        options.node = node
        options.blame = !noBlame
        options.thresholdMs = blameMs
        options.intervalSeconds = interval
        options.connectTimeoutSeconds = connectTimeout
        // Before the app starts or the screen changes: a port in use or a
        // file that cannot be written is one line.
        let exporter = try metrics.start()
        defer { exporter?.server.stop() }
        let recorder: Recorder?
        do {
            recorder = try record.map { try Recorder(path: $0) }
        } catch let error as RecordingError {
            throw FileError(message: error.message)
        }
        if !headless { return try runDashboard(options, box: exporter?.box, recorder: recorder) }
        if let exporter { writeToStderr("looptop: metrics at \(exporter.server.url)") }
        let sink = try LineSink.open(json: json)
        options.passThroughFD = 2
        options.stdinFD = 0
        let app: NodeApp
        do {
            app = try NodeApp(options: options, inspector: noBlame ? nil : InspectorClient())
            try app.start()
        } catch let error as NodeAppError {
            throw FileError(message: "node: \(error.description)")
        }
        let recording = recorder.map { NodeRecording(recorder: $0, source: NodeSource(app: app)) }
        recording?.start()
        defer { finish(recording) }
        let signals = Signals()
        // The exporter's figures: a snapshot once a second, from the runner's own wake-ups.
        let box = exporter?.box
        let source = box.map { _ in NodeSource(app: app) }
        var published: UInt64 = 0
        let outcome = NodeHeadlessRunner(duration: duration).run(app, write: sink.write, wait: { deadline in
            // A reader that has gone (`| head`) stops the app as SIGTERM would (issue #12).
            guard sink.isOpen else { return SIGTERM }
            let signal = signals.wait(untilMonotonic: deadline)
            if let box, let source, SystemClock().now() &- published >= 1_000_000_000 {
                box.publish(source.snapshot(detailFor: nil))
                published = SystemClock().now()
            }
            return signal
        })
        if json != nil { close(sink.fd) }
        if let failure = sink.failure { writeToStderr("looptop: \(json ?? "stdout"): cannot write: \(failure)") }
        let snapshot = app.snapshot()
        switch outcome {
        case .neverConnected(let problem):
            writeToStderr("looptop: node: \(problem)")
        case .appEnded:
            if let problem = snapshot.problem { writeToStderr("looptop: node: \(problem)") }
        case .stoppedAtDuration, .stoppedBySignal:
            break
        }
        // Stopped because the reader left: a quiet end, as for `looptop run --headless | head`.
        let code = sink.readerGone ? 0 : outcome.exitCode
        if code != 0 { throw ExitCode(code) }
    }

    /// The dashboard: the app's output goes to a panel (the terminal is the
    /// dashboard's), its stdin is /dev/null. q stops the app; when the app
    /// ends, so does looptop, with the app's exit code.
    /// Writes the recording's last frame (the app has ended) and says if writing failed.
    private func finish(_ recording: NodeRecording?) {
        guard let recording else { return }
        recording.finish()
        if let failure = recording.recorder.failure { writeToStderr("looptop: \(failure)") }
    }

    private func runDashboard(_ base: NodeApp.Options, box: SnapshotBox?, recorder: Recorder?) throws {
        let chosenTheme = try theme.load()
        Dashboard.installFatalSignalRestore()
        if let problem = Dashboard.terminalProblem() {
            throw FileError(message: problem)
        }
        var options = base
        options.passThroughFD = nil
        options.stdinFD = nil
        let app: NodeApp
        do {
            app = try NodeApp(options: options, inspector: noBlame ? nil : InspectorClient())
            try app.start()
        } catch let error as NodeAppError {
            throw FileError(message: "node: \(error.description)")
        }
        let source = NodeSource(app: app)
        let recording = recorder.map { NodeRecording(recorder: $0, source: source) }
        recording?.start()
        var dashboard = DashboardOptions(framesPerSecond: fps)
        dashboard.theme = chosenTheme
        dashboard.quitWhenSourceEnds = true
        if let box { dashboard.onSnapshot = { box.publish($0) } }
        let code = Dashboard.run(source: source, options: dashboard)
        let endedByItself = app.hasEnded && !app.stoppedByLooptop
        source.stop()
        finish(recording)
        let snapshot = app.snapshot()
        if endedByItself, let ending = snapshot.ending {
            if ending != .exited(code: 0) {
                // Its output was in a panel: say how it ended where the user now looks.
                for line in snapshot.log.suffix(12) { writeToStderr(line) }
            }
            if let problem = snapshot.problem { writeToStderr("looptop: node: \(problem)") }
            if ending.exitCode != 0 { throw ExitCode(ending.exitCode) }
            return
        }
        if let problem = snapshot.problem, !snapshot.connected { writeToStderr("looptop: node: \(problem)") }
        if code != 0 { throw ExitCode(code) }
    }
}
