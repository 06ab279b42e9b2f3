import ArgumentParser
import Foundation
import LoopTopEngine
import LoopTopTUI

struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Play a recording made with `looptop run|attach|node --record FILE`.",
        discussion: helpText("""
            The dashboard plays it at the recorded pace; the header says REPLAY and where it is
            (01:12 / 04:30). Keys: space pause/play, ← → one frame, [ ] or PgUp PgDn 10 s
            back/forward, Home End first/last frame, < > halve/double the speed; Enter, z and the
            selection work on the recorded frames. Commands that would steer an engine say
            "replay: read-only". A recording of `looptop attach` or `looptop node` plays in that
            command's view.

            --headless prints the JSON Lines `looptop run --headless` printed, rebuilt from the
            recording (the same keys and meanings, job counts conserved on every line), as fast
            as it can, then the summary line. For `looptop attach` and `looptop node` recordings,
            the lines those commands print; a node recording's lines come one per recorded probe
            interval (--interval does not apply), each with the live line's figures.

            A file that is not a recording, of an unknown format version, or missing: one line
            naming it (and the line), exit 2. A last line cut short (a run killed while writing)
            is replayed up to it, with one line saying so.

            EXAMPLES
              looptop run --headless --mode blocking --job-ms 200 --rate 2 --duration 10 --record run.jsonl
              looptop replay run.jsonl
              looptop replay run.jsonl --headless --interval 2
            """))

    @Argument(help: ArgumentHelp("A recording (`looptop run --record FILE`).", valueName: "file"))
    var file: String

    @Flag(help: "Print JSON Lines instead of drawing the dashboard.")
    var headless = false

    @Option(help: ArgumentHelp("Headless: seconds of recorded time between lines.", valueName: "seconds"))
    var interval: Double = 1

    @Option(help: ArgumentHelp("Headless: write the lines to this file instead of stdout.", valueName: "file"))
    var json: String?

    @Option(help: ArgumentHelp("Dashboard: frames per second.", valueName: "n"))
    var fps: Double = 10

    @OptionGroup var theme: ThemeOption

    func validate() throws {
        guard interval.isFinite, interval >= 0.01, interval <= 3600 else {
            throw ValidationError("--interval must be between 0.01 and 3600 seconds, got \(interval)")
        }
        guard fps.isFinite, fps >= 1, fps <= 60 else {
            throw ValidationError("--fps must be between 1 and 60, got \(fps)")
        }
    }

    func run() throws {
        let recording: RecordingFile
        do {
            recording = try RecordingFile.load(path: file)
        } catch let error as RecordingError {
            throw FileError(message: error.message)
        }
        if headless {
            let sink = try LineSink.open(json: json)
            if let truncation = recording.truncation { writeToStderr("looptop: \(truncation)") }
            // A reader that has gone (`| head`) stops the writing quietly (issue #12).
            recording.replayHeadless(interval: interval, write: sink.write)
            if json != nil { close(sink.fd) }
            if let failure = sink.failure {
                throw FileError(message: "\(json ?? "stdout"): cannot write: \(failure)")
            }
            return
        }
        let chosenTheme = try theme.load()
        Dashboard.installFatalSignalRestore()
        if let problem = Dashboard.terminalProblem() {
            writeToStderr("\(problem)")
            throw ExitCode(2)
        }
        let source = ReplaySource(recording: recording)
        var options = DashboardOptions(framesPerSecond: fps)
        options.theme = chosenTheme
        options.startNotice = recording.truncation
        let code = Dashboard.run(source: source, options: options)
        source.stop()
        if let truncation = recording.truncation {
            writeToStderr("looptop: \(truncation)")
        }
        if code != 0 { throw ExitCode(code) }
    }
}
