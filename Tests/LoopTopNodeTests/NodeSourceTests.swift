import Foundation
import Testing
@testable import LoopTopEngine

/// The Node app behind the dashboard's seam: what its keys do.
@Suite("Node source: commands", .serialized, .enabled(if: NodeFixture.available, NodeFixture.skipNote))
struct NodeSourceTests {
    @Test func terminateAsksFirstThenStopsTheChosenWorker() throws {
        let dir = try NodeFixture.directory(["terminate.js": """
            const { Worker } = require('worker_threads');
            const w = new Worker('setInterval(() => {}, 1000)', { eval: true });
            w.on('exit', (code) => { console.log('worker exit ' + code); });
            setTimeout(() => {}, 20000).unref();
            const keep = setInterval(() => {}, 1000);
            w.on('exit', () => clearInterval(keep));

            """])
        let run = try NodeFixture.run(dir + "/terminate.js", duration: 30) { app in
            // Wait (bounded) for the worker to come online, then terminate it.
            for _ in 0..<500 {
                if let w = app.snapshot().workers.first, w.state == .online {
                    let source = NodeSource(app: app)
                    let first = source.send(.terminate(worker: w.id))
                    #expect(first.message.contains("press - again"), "\(first)")
                    #expect(app.snapshot().workers.first?.state == .online, "nothing happens before the confirm")
                    let second = source.send(.terminate(worker: w.id))
                    #expect(second.message == "worker \(w.id): terminate sent")
                    #expect(source.send(.cycleMode) == .unsupported("node: not available"))
                    return
                }
                usleep(20_000)
            }
        }
        #expect(run.output.contains("worker exit 1"))
        #expect(run.outcome == .appEnded(.exited(code: 0)))
    }

}
