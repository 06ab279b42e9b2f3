import ArgumentParser
import Foundation
import LoopTopEngine
import LoopTopTUI

struct Attach: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Watch another process's threads: state, CPU, run-queue wait, context switches.",
        discussion: helpText("""
            Reads /proc/PID/task/* every --interval seconds (1 s by default; each thread
            costs about 12 us a read). Read-only: nothing is sent to the process.

            FIGURES (each over the last interval; check them with ps -L and /proc)
              CPU      cores used: delta of schedstat field 1 (ns on a CPU), else of
                       utime + stime from stat, over wall time. 1.00 = one whole core.
              WAIT     share of the interval spent runnable but waiting for a CPU:
                       delta of schedstat field 2 over wall time ("—" without schedstats).
              VCSW/s   voluntary context switches per second (status:
                       voluntary_ctxt_switches): the thread slept or blocked.
              ICSW/s   involuntary ones (nonvoluntary_ctxt_switches): the scheduler
                       took the CPU away, as when more threads want CPUs than there are.
              cores    the CPUs the process may run on (status: Cpus_allowed_list).
              runnable threads that were on a CPU or waiting for one at least half
                       the interval.

            HEADLESS OUTPUT
              One JSON object per interval: source ("process"), pid, command, cores,
              cpu_cores, runnable_threads, runnable_wait, threads [{tid, name, state, cpu,
              runqueue_wait, voluntary_switches_per_s, involuntary_switches_per_s}],
              threads_started, threads_ended, events, warnings. When the process exits, a
              line {"exited": true, "message": ...}; then a summary object with
              "summary": true whose figures cover the whole watch. Exit 0 in both cases.
              A pid that does not exist or cannot be read: one line, exit 2.

            RECORD AND METRICS
              --record FILE writes every reading (each thread's cumulative CPU, run-queue
              wait and switches) as JSON Lines; `looptop replay FILE` shows it in this view
              (space, arrows, [ ] and < > move through it) or, with --headless, prints the
              lines above rebuilt for any --interval.
              --metrics HOST:PORT serves the figures at http://HOST:PORT/metrics, listening
              on exactly that address on a thread of its own (looptop-metrics): per thread
              (labels tid, name) looptop_thread_cpu_seconds_total,
              looptop_thread_runqueue_wait_seconds_total, looptop_thread_context_switches_total
              {kind}, looptop_thread_cpu_cores, looptop_thread_runqueue_wait_ratio; for the
              process looptop_process_cpu_cores, _cores, _threads, _runnable_threads. Only
              live threads have series, the 256 with the most CPU time
              (looptop_thread_series_dropped counts the rest).

            EXAMPLES
              looptop attach 4242
              looptop attach 4242 --headless --duration 10 --json threads.jsonl
              looptop attach 4242 --record watch.jsonl --metrics 127.0.0.1:9464
            """))

    @Argument(help: ArgumentHelp("The process id to watch.", valueName: "pid"))
    var pid: Int32

    @Flag(help: "Watch without a terminal and write JSON Lines.")
    var headless = false

    @Option(help: ArgumentHelp("Headless: seconds to watch (default: until the process exits or SIGINT/SIGTERM).", valueName: "seconds"))
    var duration: Double?

    @Option(help: ArgumentHelp("Seconds between readings of /proc (and between headless lines).", valueName: "seconds"))
    var interval: Double = 1

    @Option(help: ArgumentHelp("Headless: write the lines to this file instead of stdout.", valueName: "file"))
    var json: String?

    @Option(help: ArgumentHelp("Dashboard: frames per second.", valueName: "n"))
    var fps: Double = 10

    @Option(help: ArgumentHelp("Record every reading to this file (JSON Lines); `looptop replay FILE` plays it back, headless or in this view.", valueName: "file"))
    var record: String?

    @OptionGroup var metrics: MetricsOption

    @OptionGroup var theme: ThemeOption

    func validate() throws {
        if let duration, !(duration.isFinite && duration >= 0) {
            throw ValidationError("--duration must be a number of seconds >= 0, got \(duration)")
        }
        guard interval.isFinite, interval >= 0.05, interval <= 3600 else {
            throw ValidationError("--interval must be between 0.05 and 3600 seconds, got \(interval)")
        }
        guard fps.isFinite, fps >= 1, fps <= 60 else {
            throw ValidationError("--fps must be between 1 and 60, got \(fps)")
        }
    }

    func run() throws {
        let source: ProcessThreads
        do {
            source = try ProcessThreads(pid: pid, readEverySeconds: interval)
        } catch {
            writeToStderr("looptop: \(error.message)")
            throw ExitCode(2)
        }
        // Before the screen changes: a port in use or a file that cannot be
        // written is one line on the terminal as it was.
        let exporter = try metrics.start()
        if let exporter, headless {
            writeToStderr("looptop: metrics at \(exporter.server.url)")
        }
        let recorder: Recorder?
        do {
            recorder = try record.map { try Recorder(path: $0) }
        } catch let error as RecordingError {
            exporter?.server.stop()
            throw FileError(message: error.message)
        }
        recorder?.begin(process: source)
        let box = exporter?.box
        if recorder != nil || box != nil {
            source.observeReadings { snapshot in
                recorder?.record(snapshot)
                box?.publish(snapshot)
            }
        }
        defer {
            source.observeReadings(nil)
            recorder?.finish()
            if let failure = recorder?.failure { writeToStderr("looptop: \(failure)") }
            exporter?.server.stop()
        }
        if headless {
            try runHeadless(source)
        } else {
            try runDashboard(source)
        }
    }

    private func runHeadless(_ source: ProcessThreads) throws {
        let sink = try LineSink.open(json: json)
        let signals = Signals()
        // A reader that has gone (`| head`) ends the watch like a signal does (issue #12).
        ProcessHeadlessRunner(interval: interval, duration: duration).run(source: source, write: sink.write, wait: { deadline in
            sink.isOpen && signals.wait(untilMonotonic: deadline) == nil
        })
        if json != nil { close(sink.fd) }
        if let failure = sink.failure {
            throw FileError(message: "\(json ?? "stdout"): cannot write: \(failure)")
        }
    }

    private func runDashboard(_ source: ProcessThreads) throws {
        // Files first: a bad theme is reported the same with or without a terminal.
        let chosenTheme = try theme.load()
        Dashboard.installFatalSignalRestore()
        if let problem = Dashboard.terminalProblem() {
            writeToStderr("\(problem)")
            throw ExitCode(2)
        }
        var options = DashboardOptions(framesPerSecond: fps)
        options.theme = chosenTheme
        let code = Dashboard.run(source: source, options: options)
        source.stop()
        if code != 0 { throw ExitCode(code) }
    }
}
