import Foundation
import Testing
@testable import LoopTopEngine

/// Real Node programs, watched the way `looptop node --headless` watches them.
/// Bounds are generous (the machine is shared); nothing is timed.
@Suite("Node source: real apps", .serialized, .enabled(if: NodeFixture.available, NodeFixture.skipNote))
struct NodeAppTests {
    func frames(_ stall: [String: Any]) -> [[String: Any]] { stall["frames"] as? [[String: Any]] ?? [] }

    /// A stall looptop itself caused (enabling the app's debugger, once).
    static func looptops(_ stall: [String: Any]) -> Bool { (stall["note"] as? String)?.contains("looptop enabled") == true }

    // The apps block a second in: looptop enables their debugger when it
    // first sees them idle, which under TSan on a loaded machine took 400 ms,
    // and a block queued behind it would share its stall.
    @Test func aTimerCallbackBlockingInANamedFunctionIsBlamedWithFileAndLine() throws {
        let dir = try NodeFixture.directory(["timer.js": """
            function parseCsv(ms) {
              const end = Date.now() + ms;
              while (Date.now() < end) {}
            }
            function handleRequest() { parseCsv(300); }
            setTimeout(handleRequest, 1000);
            setTimeout(() => {}, 1900);

            """])
        let run = try NodeFixture.run(dir + "/timer.js")
        // The app's stall, not the one looptop causes once by enabling the debugger (labelled so).
        let stall = try #require(run.stalls.first { (num($0["ms"]) ?? 0) >= 200 && !Self.looptops($0) }, "stalls: \(run.stalls)")
        let top = try #require(frames(stall).first)
        #expect(top["function"] as? String == "parseCsv")
        #expect(top["file"] as? String == dir + "/timer.js")
        #expect((2...3).contains(Int(num(top["line"]) ?? 0)), "the loop is at line 2 or 3 of parseCsv: \(top)")
        #expect(frames(stall).dropFirst().first?["function"] as? String == "handleRequest")
        #expect(run.outcome == .appEnded(.exited(code: 0)))
    }

    @Test func aBlockedPromiseContinuationIsBlamed() throws {
        let dir = try NodeFixture.directory(["promise.mjs": """
            function crunchReport(ms) {
              const end = Date.now() + ms;
              while (Date.now() < end) {}
            }
            async function load() {
              await new Promise((resolve) => setTimeout(resolve, 1000));
              crunchReport(300);
            }
            load();

            """])
        let run = try NodeFixture.run(dir + "/promise.mjs")
        let stall = try #require(run.stalls.first { (num($0["ms"]) ?? 0) >= 200 && !Self.looptops($0) }, "stalls: \(run.stalls)")
        #expect(frames(stall).first?["function"] as? String == "crunchReport")
        #expect(frames(stall).dropFirst().first?["function"] as? String == "load")
    }

    @Test func workersThatExitWithACodeAndThatThrowAreSeen() throws {
        let dir = try NodeFixture.directory(["workers.js": """
            const { Worker } = require('worker_threads');
            const a = new Worker('setTimeout(() => process.exit(7), 300)', { eval: true });
            const b = new Worker('setTimeout(() => { throw new Error("worker broke") }, 300)', { eval: true });
            b.on('error', (e) => console.log('app saw: ' + e.message));
            setTimeout(() => {}, 1000);

            """])
        let run = try NodeFixture.run(dir + "/workers.js")
        let list = run.summary["worker_list"] as? [[String: Any]] ?? []
        let states = Set(list.compactMap { $0["state"] as? String })
        #expect(states == ["exited 7", "error: worker broke"], "\(list)")
        #expect(run.output.contains("app saw: worker broke"))
    }

    @Test func aWorkerErrorTheAppDoesNotHandleStillEndsTheApp() throws {
        // Issue 15: the probe must not change the app's behaviour (no 'error' listener of its own).
        let dir = try NodeFixture.directory(["unhandled.js": """
            const { Worker } = require('worker_threads');
            new Worker('throw new Error("nobody listens")', { eval: true });
            setTimeout(() => console.log('should not print'), 3000);

            """])
        let run = try NodeFixture.run(dir + "/unhandled.js")
        #expect(run.outcome == .appEnded(.exited(code: 1)))
        #expect(!run.output.contains("should not print"))
        #expect(run.output.contains("nobody listens"))
    }

    /// What must hold (issue 15): two busy workers, a periodic stall in a named function.
    @Test func twoBusyWorkersAndAPeriodicStall() throws {
        let dir = try NodeFixture.directory(["billing.js": """
            const { Worker } = require('worker_threads');
            function computeTotals(ms) {
              const end = Date.now() + ms;
              let x = 0;
              while (Date.now() < end) { x++; }
              return x;
            }
            const busy = `
              const end = Date.now() + 2500;
              function spin() { const s = Date.now(); while (Date.now() - s < 20) {} if (Date.now() < end) setImmediate(spin); }
              spin();`;
            const workers = [new Worker(busy, { eval: true }), new Worker(busy, { eval: true })];
            let ticks = 0;
            const timer = setInterval(() => { ticks++; console.log('tick ' + ticks); computeTotals(150); }, 400);
            let left = workers.length;
            for (const w of workers) w.on('exit', () => { if (--left === 0) { clearInterval(timer); console.error('all done'); process.exitCode = 3; } });

            """])
        let run = try NodeFixture.run(dir + "/billing.js", interval: 0.25)
        // Lag max reflects the stall.
        let maxLag = run.intervals.compactMap { num(($0["lag_ms"] as? [String: Any])?["max"]) }.max() ?? 0
        #expect(maxLag >= 120, "lag max \(maxLag) ms")
        // The stall is blamed on that function with its file and line.
        let blamed = run.stalls.filter { frames($0).first?["function"] as? String == "computeTotals" }
        #expect(!blamed.isEmpty, "stalls: \(run.stalls)")
        if let frame = blamed.first.flatMap({ frames($0).first }) {
            #expect(frame["file"] as? String == dir + "/billing.js")
            #expect((3...5).contains(Int(num(frame["line"]) ?? 0)), "\(frame)")
        }
        // Both workers seen with their utilization.
        let busyWorkers = Set(run.intervals.flatMap { line in
            (line["worker_list"] as? [[String: Any]] ?? []).filter { (num($0["elu"]) ?? 0) > 0.5 }.compactMap { num($0["id"]).map { Int($0) } }
        })
        #expect(busyWorkers.count == 2, "workers seen busy: \(busyWorkers)")
        // The app's own output passes through; looptop ends with the app's code.
        #expect(run.output.contains("tick 1\n"))
        #expect(run.output.contains("all done\n"))
        #expect(!run.output.contains("Debugger"))
        #expect(run.outcome == .appEnded(.exited(code: 3)))
        #expect(run.outcome.exitCode == 3)
        #expect(run.summary["summary"] as? Bool == true)
        #expect(run.summary["source"] as? String == "node")
    }

    @Test func terminateEndsTheWorkerWithTheIdAsked() throws {
        let dir = try NodeFixture.directory(["terminate.js": """
            const { Worker } = require('worker_threads');
            const keep = setInterval(() => {}, 1000);
            const w = new Worker('setInterval(() => {}, 1000)', { eval: true });
            w.on('exit', (code) => { console.log('worker exit ' + code); clearInterval(keep); });

            """])
        let run = try NodeFixture.run(dir + "/terminate.js", duration: 30) { app in
            for _ in 0..<500 {
                if let w = app.snapshot().workers.first, w.state == .online {
                    #expect(app.terminateWorker(id: w.id) == "worker \(w.id): terminate sent")
                    return
                }
                usleep(20_000)
            }
            Issue.record("the worker never came online")
        }
        #expect(run.output.contains("worker exit 1"))
        #expect(run.outcome == .appEnded(.exited(code: 0)))
        #expect((run.summary["worker_list"] as? [[String: Any]])?.first?["state"] as? String == "exited 1")
    }

    @Test func anAppThatThrowsSaysItsError() throws {
        let dir = try NodeFixture.directory(["throws.js": """
            setTimeout(() => { throw new TypeError('bad invoice'); }, 100);

            """])
        let run = try NodeFixture.run(dir + "/throws.js")
        #expect(run.outcome == .appEnded(.exited(code: 1)))
        #expect(run.snapshot.problem?.contains("TypeError: bad invoice") == true, "\(run.snapshot.problem ?? "nil")")
        #expect(run.output.contains("TypeError: bad invoice"))
    }

    @Test func anAppThatExitsAtOnceEndsTheRunWithItsCode() throws {
        let dir = try NodeFixture.directory(["quick.js": "process.exit(5);\n"])
        let run = try NodeFixture.run(dir + "/quick.js")
        #expect(run.outcome == .appEnded(.exited(code: 5)))
        #expect(num(run.summary["exit_code"]) == 5)
    }

    @Test func aProbeThatNeverConnectsEndsTheRun() throws {
        // A "node" that ignores --require and just waits.
        let dir = try NodeFixture.directory(["fake-node": "#!/bin/sh\nexec sleep 60\n", "app.js": "\n"])
        chmod(dir + "/fake-node", 0o755)
        let run = try NodeFixture.run(dir + "/app.js", node: dir + "/fake-node", connectTimeout: 1)
        guard case .neverConnected = run.outcome else { Issue.record("outcome \(run.outcome)"); return }
        #expect(run.outcome.exitCode == 2)
    }

    @Test func missingNodeOrScriptIsOneLine() throws {
        let dir = try NodeFixture.directory(["app.js": "\n"])
        var options = NodeApp.Options(script: dir + "/nope.js")
        #expect(throws: NodeAppError.self) { try NodeApp(options: options, inspector: nil).start() }
        options = NodeApp.Options(script: dir + "/app.js")
        options.node = "/no/such/node"
        do {
            try NodeApp(options: options, inspector: nil).start()
            Issue.record("started a missing node")
        } catch let error as NodeAppError {
            #expect(error.description.contains("not found"))
        }
    }

    @Test func withoutBlameStallsAreStillMeasured() throws {
        let dir = try NodeFixture.directory(["noblame.js": """
            setTimeout(() => { const e = Date.now() + 250; while (Date.now() < e) {} }, 200);
            setTimeout(() => {}, 800);

            """])
        let run = try NodeFixture.run(dir + "/noblame.js", blame: false)
        let stall = try #require(run.stalls.first)
        #expect(frames(stall).isEmpty)
        #expect(stall["note"] as? String == "blame off")
        #expect(run.output.isEmpty, "no inspector, no lines about it: \(run.output)")
    }
}
