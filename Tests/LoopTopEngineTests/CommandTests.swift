import Foundation
@testable import LoopTopEngine
import Testing

@Suite struct CommandTests {
    private func run(_ arguments: [String], input: Int = 0, cancelAfterMs: Double? = nil) -> (Result<CommandRun.Result, Error>) {
        let flags = JobFlags()
        let canceller = cancelAfterMs.map { ms in
            startThreads(1, name: "canceller") { _ in
                usleep(UInt32(ms * 1000))
                flags.requestCancel()
            }
        } ?? []
        defer { for thread in canceller { thread.join() } }
        let payload = [UInt8](repeating: 65, count: input)
        return Result { try CommandRun.run(arguments, input: payload, context: JobContext(flag: flags)) }
    }

    @Test func successCountsOutput() throws {
        let result = try run(["cat"], input: 100_000).get()
        #expect(result.exit == .exited(0))
        #expect(result.stdoutBytes == 100_000)
    }

    @Test func exitStatusIsTheReason() throws {
        let result = try run(["sh", "-c", "echo oops >&2; exit 3"]).get()
        #expect(result.exit == .exited(3))
        #expect(result.stderrTail.contains("oops"))
        #expect(result.exit.description == "exited with status 3")
    }

    @Test func aSignalIsTheReason() throws {
        let result = try run(["sh", "-c", "kill -9 $$"]).get()
        #expect(result.exit == .signaled(9))
        #expect(result.exit.description == "killed by signal 9 (SIGKILL)")
    }

    /// 8 MB offered to a command that never reads its stdin: no hang.
    @Test func aCommandThatNeverReadsStdinDoesNotHang() throws {
        let result = try run(["true"], input: 8 << 20).get()
        #expect(result.exit == .exited(0))
    }

    @Test func cancellingKillsTheChild() {
        let result = run(["sleep", "30"], cancelAfterMs: 50)
        #expect(throws: JobInterruption.cancelled) { try result.get() }
    }

    @Test func aMissingCommandFailsClearly() {
        let result = run(["/no/such/command-xyz"])
        #expect(throws: WorkloadError.self) { try result.get() }
    }

    @Test func failedCommandsAreFailedJobsWithTheirReason() {
        var catalog = TestCatalog.calibrated
        catalog.register(CommandWorkload(name: "exit3", arguments: ["sh", "-c", "exit 3"]), nanosPerUnit: 1e6)
        catalog.register(CommandWorkload(name: "killed", arguments: ["sh", "-c", "kill -9 $$"]), nanosPerUnit: 1e6)
        var settings = EngineSettings()
        settings.rate = 0
        settings.workload = "exit3"
        let engine = Engine(configuration: .init(workers: 1, settings: settings, catalog: catalog))
        engine.start()
        defer { engine.stop() }
        engine.send(.burst(1))
        #expect(eventually { engine.tick().jobs.failed == 1 })
        engine.send(.setWorkload("killed"))
        engine.send(.burst(1))
        #expect(eventually { engine.tick().jobs.failed == 2 })
        let log = engine.tick().log.map(\.message)
        #expect(log.contains { $0.contains("exited with status 3") })
        #expect(log.contains { $0.contains("killed by signal 9") })
        #expect(engine.tick().liveWorkers == 1)
    }
}
