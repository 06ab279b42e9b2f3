import ArgumentParser
import Foundation
import LoopTopEngine

@main
struct Looptop: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "looptop",
        abstract: "Watch and steer worker threads: an event loop, a pool of OS threads, real CPU work.",
        discussion: helpText("""
            With no subcommand, looptop runs the live dashboard (the same as `looptop run`).
            `looptop run --headless` plays the same engine without a terminal and prints JSON Lines.
            """),
        subcommands: [Run.self, Compare.self, Replay.self, Attach.self, LessonCommandLine.self, NodeCommand.self, Workloads.self, Themes.self, Bench.self,
                      ThreadsDemo.self],
        defaultSubcommand: Run.self)

    /// Parses and runs, turning every usage error into one line and exit 2.
    static func main() {
        Signals.blockForProcess()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as FileError {
            writeToStderr("looptop: \(ConfigError.escaped(error.message))\n")
            Foundation.exit(2)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            if let exit = error as? ExitCode {
                Foundation.exit(exit.rawValue)
            }
            let line = message(for: error)
                .split(separator: "\n").first.map(String.init) ?? "invalid arguments"
            writeToStderr("looptop: \(ConfigError.escaped(line))\nSee 'looptop --help'.\n")
            Foundation.exit(2)
        }
    }
}
