import Foundation
import Testing
@testable import LoopTopEngine

/// A Worker's OS thread: its tid, told by the probe running inside it, and
/// its CPU as /proc counts it, so the figures can be checked with `ps -L`
/// (Node 20 names every one of its threads "node").
@Suite("Node source: Worker threads")
struct NodeWorkerThreadModelTests {
    static let ms: UInt64 = 1_000_000

    static func message(_ json: String) -> ProbeMessage { ProbeMessage.parse(Array(json.utf8))! }

    static func reading(tid: Int32, cpuMs: UInt64) -> TaskReading {
        TaskReading(tid: tid, name: "node", state: "R", utimeTicks: 0, stimeTicks: 0, onCPUNanos: cpuMs * ms,
                    runqueueWaitNanos: 0, timeslices: 0, voluntarySwitches: 0, involuntarySwitches: 0)
    }

    @Test func aWorkersTidAndItsCPUComeFromTheThreadItNamed() {
        // Fake /proc: each read of the main thread (nil) finds 200 ms more CPU, of thread 4343 450 ms more.
        let reads = ConditionMutex<[Int32: UInt64]>([:])
        var model = NodeAppModel(script: "app.js", thresholdMs: 50, blame: false, start: 0)
        model.readThread = { tid in
            guard tid == nil || tid == 4343 else { return nil }
            let n = reads.withLock { $0[tid ?? 0, default: 0] += 1; return $0[tid ?? 0]! }
            return Self.reading(tid: tid ?? 4242, cpuMs: n * (tid == nil ? 200 : 450))
        }
        model.receive(Self.message(#"{"t":"hello","pid":4242}"#), at: 0)
        model.receive(Self.message(#"{"t":"worker","id":1,"state":"starting"}"#), at: 10 * Self.ms)
        // A tid that is none of the app's threads, and one for a Worker never announced, are ignored.
        model.receive(Self.message(#"{"t":"worker","id":1,"state":"thread","tid":99}"#), at: 20 * Self.ms)
        model.receive(Self.message(#"{"t":"worker","id":7,"state":"thread","tid":4343}"#), at: 20 * Self.ms)
        #expect(model.snapshot(at: 30 * Self.ms).workers.first?.tid == nil)
        model.receive(Self.message(#"{"t":"worker","id":1,"state":"thread","tid":4343}"#), at: 30 * Self.ms)
        #expect(model.snapshot(at: 40 * Self.ms).workers.map(\.tid) == [4343])
        #expect(model.snapshot(at: 40 * Self.ms).workers.count == 1)
        // First interval: one reading, no rate yet; the next, a rate over the second between them.
        model.receive(Self.message(#"{"t":"fig","elu":0.2,"workers":[{"id":1,"elu":0.9}]}"#), at: 1000 * Self.ms)
        #expect(model.snapshot(at: 1000 * Self.ms).workers.first?.sched == nil)
        model.receive(Self.message(#"{"t":"fig","elu":0.2,"workers":[{"id":1,"elu":0.9}]}"#), at: 2000 * Self.ms)
        let s = model.snapshot(at: 2000 * Self.ms)
        guard let worker = s.workers.first else { Issue.record("no worker"); return }
        // One read each between the two intervals, a second apart.
        #expect(worker.sched.map { abs($0.cpu - 0.45) < 1e-9 } == true, "\(String(describing: worker.sched))")
        #expect(s.last?.mainThread.map { abs($0.cpu - 0.2) < 1e-9 } == true, "\(String(describing: s.last?.mainThread))")
        // The generic row: tid, the kernel's CPU over Node's busy time.
        let row = NodeSource.snapshot(s, info: SourceInfo(kind: .node, title: "node app.js"), history: [], time: 0, wall: 0).workers[0]
        #expect(row.tid == 4343)
        #expect(abs(row.cpuPerWall - 0.5) < 1e-9, "0.45 cores over 0.9 busy")
        // Once it has exited its thread is not read again.
        model.receive(Self.message(#"{"t":"worker","id":1,"state":"exited","code":0}"#), at: 2100 * Self.ms)
        #expect(model.snapshot(at: 2100 * Self.ms).workers.first?.sched == nil)
        model.receive(Self.message(#"{"t":"fig","elu":0.2,"workers":[]}"#), at: 3000 * Self.ms)
        #expect(model.snapshot(at: 3000 * Self.ms).workers.first?.sched == nil)
        #expect(model.snapshot(at: 3000 * Self.ms).workers.first?.tid == 4343)
    }
}

/// The same against a real app: two Workers, one spinning, one asleep.
@Suite("Node source: Worker threads in a real app", .serialized, .enabled(if: NodeFixture.available, NodeFixture.skipNote))
struct NodeWorkerThreadAppTests {
    @Test func eachWorkerIsItsOwnThreadWithTheKernelsCPU() throws {
        let dir = try NodeFixture.directory(["threads.js": """
            const { Worker } = require('worker_threads');
            const spin = `const end = Date.now() + 1500; while (Date.now() < end) {}`;
            const sleep = `setTimeout(() => {}, 1500)`;
            const workers = [new Worker(spin, { eval: true }), new Worker(sleep, { eval: true })];
            let left = workers.length;
            for (const w of workers) w.on('exit', () => { if (--left === 0) console.log('done'); });

            """])
        let seen = ConditionMutex<(pid: Int32, tasks: Set<Int32>)>((0, []))
        let run = try NodeFixture.run(dir + "/threads.js", interval: 0.25, configure: { app in
            // Ground truth while it runs: the app's threads as /proc lists them.
            let watcher = Thread {
                let deadline = Date().addingTimeInterval(60)
                while Date() < deadline {
                    let p = app.pid
                    if p > 0 {
                        let ids = ProcTasks.threadIDs(of: p)
                        let done = seen.withLock { s -> Bool in
                            s.pid = p
                            if let ids { s.tasks.formUnion(ids) }
                            return ids == nil && !s.tasks.isEmpty
                        }
                        if done { return }
                    }
                    usleep(20_000)
                }
            }
            watcher.start()
        })
        let (pid, tasks) = seen.withLock { $0 }
        #expect(run.outcome == .appEnded(.exited(code: 0)))
        // The Workers' tids: two, different, not the main thread's, each one of the app's threads.
        var tids: [Int: Int32] = [:]
        var cpu: [Int: [Double]] = [:]
        for line in run.intervals {
            for w in line["worker_list"] as? [[String: Any]] ?? [] {
                guard let id = num(w["id"]).map({ Int($0) }) else { continue }
                if let tid = num(w["tid"]) { tids[id] = Int32(tid) }
                // On a CPU or waiting for one: a spinning thread is always one of the two.
                if let c = num(w["cpu"]) { cpu[id, default: []].append(c + (num(w["runqueue_wait"]) ?? 0)) }
            }
        }
        #expect(tids.count == 2, "tids: \(tids)")
        #expect(Set(tids.values).count == tids.count)
        #expect(!tids.values.contains(pid))
        #expect(tids.values.allSatisfy { tasks.contains($0) }, "tids \(tids), /proc/\(pid)/task: \(tasks.sorted())")
        // The spinning one ran or waited to run all along (CPU + run-queue
        // wait about 1, however loaded the machine), the sleeping one next to none.
        let ids = tids.keys.sorted()
        guard ids.count == 2 else { return }
        let spinner = ids[0], sleeper = ids[1]
        #expect((cpu[spinner]?.max() ?? 0) > 0.8, "spinner cpu + wait \(cpu[spinner] ?? [])")
        #expect((cpu[sleeper]?.max() ?? 1) < 0.2, "sleeper cpu + wait \(cpu[sleeper] ?? [])")
        // And the main thread, read the same way.
        #expect(run.intervals.contains { (($0["loop_thread"] as? [String: Any])?["tid"]).flatMap(num) == Double(pid) })
    }
}
