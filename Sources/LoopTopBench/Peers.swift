#if canImport(Glibc)
import Glibc
#endif
import DequeModule
import Dispatch
import Foundation

/// The yardsticks looptop's own figures are measured against in one run:
/// a bare mutex + condition variable, Grand Central Dispatch, and a Node.js
/// Worker when `node` is installed. Plain code with nothing of looptop's in it.
public enum Peers {
    /// Round trips between two threads through a pthread mutex + condition
    /// variable (the least any hand-off between sleeping threads costs), ns each.
    public static func condvarPingPong(rounds: Int) -> [UInt64] {
        struct Court { var ball = 0 }  // odd: the other side's turn
        let court = BareCondvar(Court())
        guard let other = BareThread(body: {
            var seen = 0
            while seen < rounds {
                let ball = court.wait { c -> Int? in c.ball % 2 == 1 ? c.ball : nil } ?? 0
                court.withLock { $0.ball = ball + 1 }
                court.broadcast()
                seen += 1
            }
        }) else { return [] }
        var samples: [UInt64] = []
        samples.reserveCapacity(rounds)
        for i in 0..<rounds {
            let start = monotonicNow()
            court.withLock { $0.ball = 2 * i + 1 }
            court.broadcast()
            _ = court.wait { c -> Bool? in c.ball == 2 * i + 2 ? true : nil }
            samples.append(monotonicNow() - start)
        }
        other.join()
        return samples
    }

    /// Round trips from this thread to a Dispatch queue and back (async + a
    /// semaphore), ns each.
    public static func dispatchPingPong(rounds: Int) -> [UInt64] {
        let queue = DispatchQueue(label: "bench.pong")
        let semaphore = DispatchSemaphore(value: 0)
        var samples: [UInt64] = []
        samples.reserveCapacity(rounds)
        for _ in 0..<rounds {
            let start = monotonicNow()
            queue.async { semaphore.signal() }
            semaphore.wait()
            samples.append(monotonicNow() - start)
        }
        return samples
    }

    /// `jobs` near-empty jobs through a bare Deque + mutex + condition
    /// variable queue drained by `workers` threads; jobs per second.
    public static func condvarQueueThroughput(jobs: Int, workers: Int) -> Double {
        struct Queue {
            var items: Deque<Int> = []
            var closed = false
            var done = 0
        }
        let queue = BareCondvar(Queue())
        let sink = SinkCounter()
        let start = monotonicNow()
        let threads = (0..<workers).compactMap { _ in
            BareThread(body: {
                var local = 0
                while true {
                    let item: Int? = queue.wait { q -> Int?? in
                        if let first = q.items.popFirst() { return .some(first) }
                        return q.closed ? .some(nil) : nil
                    } ?? nil
                    guard let item else { break }
                    local &+= item & 1
                }
                sink.add(local)
            })
        }
        for i in 0..<jobs {
            queue.withLock { $0.items.append(i) }
            queue.signal()
        }
        queue.withLock { $0.closed = true }
        queue.broadcast()
        for thread in threads { thread.join() }
        return Double(jobs) / (Double(monotonicNow() - start) / 1e9)
    }

    /// `jobs` near-empty blocks through Dispatch: `concurrentPerform`, and
    /// `async` on the global queue with a group; jobs per second each.
    public static func dispatchThroughput(jobs: Int) -> (concurrentPerform: Double, asyncGroup: Double) {
        let sink = SinkCounter()
        var start = monotonicNow()
        DispatchQueue.concurrentPerform(iterations: jobs) { i in if i == -1 { sink.add(1) } }
        let perform = Double(jobs) / (Double(monotonicNow() - start) / 1e9)
        let group = DispatchGroup()
        start = monotonicNow()
        let global = DispatchQueue.global()
        for i in 0..<jobs {
            global.async(group: group) { if i == -1 { sink.add(1) } }
        }
        group.wait()
        let async = Double(jobs) / (Double(monotonicNow() - start) / 1e9)
        return (perform, async)
    }

    /// A Node.js Worker measured by `node` itself: postMessage round trip
    /// (µs, median of `rounds`) and `new Worker` → 'online' (µs, median of
    /// `spawns`). Nil when `node` is not installed or fails.
    public static func node(rounds: Int, spawns: Int) -> (rttMicros: Double, spawnMicros: Double)? {
        let script = """
            const { Worker } = require('worker_threads');
            const echo = "require('worker_threads').parentPort.on('message', m => require('worker_threads').parentPort.postMessage(m));";
            const median = a => { a.sort((x, y) => x - y); return a[Math.floor(a.length / 2)]; };
            const now = () => Number(process.hrtime.bigint()) / 1000;
            async function spawnOnce() {
              const t0 = now();
              const w = new Worker(echo, { eval: true });
              await new Promise(r => w.once('online', r));
              const t = now() - t0;
              await w.terminate();
              return t;
            }
            (async () => {
              const spawn = [];
              for (let i = 0; i < \(spawns); i++) spawn.push(await spawnOnce());
              const w = new Worker(echo, { eval: true });
              await new Promise(r => w.once('online', r));
              const rtt = [];
              for (let i = 0; i < \(rounds); i++) {
                const t0 = now();
                w.postMessage(i);
                await new Promise(r => w.once('message', r));
                rtt.push(now() - t0);
              }
              await w.terminate();
              console.log(JSON.stringify({ rtt_us: median(rtt), spawn_us: median(spawn) }));
            })();
            """
        guard let path = which("node") else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["-e", script]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Double],
              let rtt = object["rtt_us"], let spawn = object["spawn_us"] else { return nil }
        return (rtt, spawn)
    }

    /// The node version, for the report.
    public static func nodeVersion() -> String? {
        guard let path = which("node") else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["--version"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func which(_ program: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(program)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// Keeps benchmark loops from being optimised away.
final class SinkCounter: @unchecked Sendable {
    private let lock = BareCondvar(0)
    func add(_ value: Int) { lock.withLock { $0 &+= value } }
}

/// A value behind a default pthread mutex, with a condition variable: the
/// plainest hand-off there is, with none of looptop's tuning.
final class BareCondvar<State>: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var state: State

    init(_ initial: State) {
        state = initial
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        condition.deallocate()
    }

    func withLock<R>(_ body: (inout State) -> R) -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body(&state)
    }

    /// Waits until `ready` returns a value, checked under the lock before each sleep.
    func wait<R>(_ ready: (inout State) -> R?) -> R? {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while true {
            if let value = ready(&state) { return value }
            pthread_cond_wait(condition, mutex)
        }
    }

    func signal() { pthread_cond_signal(condition) }
    func broadcast() { pthread_cond_broadcast(condition) }
}

/// A joinable pthread running `body`.
final class BareThread: @unchecked Sendable {
    private var handle = pthread_t()

    /// Nil when the OS refuses a thread.
    init?(body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(Body(body))
        let rc = pthread_create(&handle, nil, { context in
            Unmanaged<Body>.fromOpaque(context!).takeRetainedValue().run()
            return nil
        }, box.toOpaque())
        guard rc == 0 else {
            box.release()
            return nil
        }
    }

    func join() { pthread_join(handle, nil) }

    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }
}
