@testable import LoopTopTUI
import Testing

struct TerminalCheckTests {
    @Test func aRealTerminalIsFine() {
        #expect(TerminalCheck.problem(term: "xterm-256color", stdinIsTerminal: true, stdoutIsTerminal: true) == nil)
    }

    @Test func everyProblemIsOneLinePointingToHeadless() throws {
        let problems = [
            TerminalCheck.problem(term: "xterm", stdinIsTerminal: true, stdoutIsTerminal: false),
            TerminalCheck.problem(term: "xterm", stdinIsTerminal: false, stdoutIsTerminal: true),
            TerminalCheck.problem(term: nil, stdinIsTerminal: true, stdoutIsTerminal: true),
            TerminalCheck.problem(term: "", stdinIsTerminal: true, stdoutIsTerminal: true),
            TerminalCheck.problem(term: "dumb", stdinIsTerminal: true, stdoutIsTerminal: true),
            TerminalCheck.problem(term: "nonsense", stdinIsTerminal: true, stdoutIsTerminal: true, termIsKnown: { _ in false }),
        ]
        for problem in problems {
            let line = try #require(problem)
            #expect(line.contains("--headless"))
            #expect(!line.contains("\n"))
        }
        #expect(problems[4]?.contains("TERM=dumb") == true)
    }
}
