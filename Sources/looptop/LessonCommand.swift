import ArgumentParser
import Foundation
import LoopTopEngine
import LoopTopTUI

struct LessonCommandLine: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lesson",
        abstract: "Play a lesson: a scripted scenario with captions that teaches worker threads.",
        discussion: helpText("""
            `looptop lesson list` lists the built-in lessons. `looptop lesson NAME` plays one in the
            dashboard (n: next step, p: previous, space: pause); `looptop lesson FILE.toml` plays a
            lesson file. With --headless, the lesson plays without a terminal and prints each step's
            caption with the figures measured at its end; the exit code is 1 if a check failed.

            COMPARE LESSONS
              A lesson with a [compare] table (left = "blocking", right = "offloaded", the defaults)
              plays on two engines side by side, as `looptop compare` runs them: the same workload,
              sizes, rate, workers and arrival seed, each side in its own mode. It opens the compare
              split screen with the lesson's panel; its commands act on both sides (no `mode`:
              the sides keep theirs), and its conditions name a side: "left.lag_max > 150 and
              right.lag_p99 < 30". Headless, each step prints both sides' figures.
            """))

    @Argument(help: ArgumentHelp("'list', a built-in lesson's name, or a lesson file.", valueName: "name|file"))
    var lesson: String

    @Flag(help: "Play without a terminal and print each step's caption and figures.")
    var headless = false

    @Option(help: ArgumentHelp("Dashboard: frames per second.", valueName: "n"))
    var fps: Double = 10

    @OptionGroup var theme: ThemeOption

    func run() throws {
        if lesson == "list" {
            let width = Lesson.builtIn.map(\.name.count).max() ?? 0
            for entry in Lesson.builtIn {
                let title = (try? Lesson.parse(entry.text, name: entry.name).title) ?? "?"
                print(entry.name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + title)
            }
            return
        }
        let loaded: Lesson
        do {
            if let builtIn = try Lesson.builtIn(named: lesson) {
                loaded = builtIn
            } else if lesson.hasSuffix(".toml") || lesson.contains("/") || FileManager.default.fileExists(atPath: lesson) {
                loaded = try Lesson.load(path: lesson)
            } else {
                throw FileError(message: "no lesson named '\(lesson)'; `looptop lesson list` shows them, or give a .toml file")
            }
        } catch let error as ConfigError {
            throw FileError(message: error.description)
        }
        if !headless, let problem = Dashboard.terminalProblem() {
            writeToStderr("\(problem)\n")
            throw ExitCode(2)
        }
        let chosenTheme = headless ? Theme.default : try theme.load()
        // A compare lesson plays on both engines (the split screen), any other on one.
        let source = loaded.makeSource(catalog: WorkloadCatalog.calibrated())
        if headless {
            let signals = Signals()
            let sink = LineSink(fd: STDOUT_FILENO)
            // A reader that has gone (`| head`) ends the lesson like a signal does.
            let ok = HeadlessLesson().run(loaded, on: source, write: sink.write, wait: { deadline in
                sink.isOpen && signals.wait(untilMonotonic: deadline) == nil
            })
            source.stop()
            if sink.readerGone { return }
            if let failure = sink.failure { throw FileError(message: "stdout: cannot write: \(failure)") }
            if !ok { throw ExitCode(1) }
            return
        }
        var options = DashboardOptions(framesPerSecond: fps)
        options.lesson = loaded
        options.theme = chosenTheme
        let code = Dashboard.run(source: source, options: options)
        source.stop()
        if code != 0 { throw ExitCode(code) }
    }
}
