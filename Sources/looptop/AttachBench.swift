import Foundation
#if canImport(Glibc)
import Glibc
#endif
import CSystemShims
import LoopTopEngine
import LoopTopTUI

/// What `looptop attach` costs watching a process of many sleeping threads
/// (`looptop threads-demo --sleeping N`, started here as a child): the
/// reading thread's CPU over wall time, read from its own
/// /proc/self/task/TID/schedstat, and the dashboard's CPU per frame drawing
/// that many threads into the in-memory screen.
enum AttachBench {
    struct Reading {
        /// The `looptop-attach` thread's CPU over wall time, 0…1 of a core, reading once a second.
        var cpuShare: Double
        /// CPU per thread read, µs.
        var microsPerThread: Double
        /// One dashboard frame (sort, lay out, draw 100×30), ms of CPU.
        var frameCPUMs: Double
        var threads: Int
    }

    static func measure(threads: Int, seconds: Double) -> Reading? {
        guard let child = Child(threads: threads) else { return nil }
        defer { child.end() }
        guard let source = try? ProcessThreads(pid: child.pid, readEverySeconds: 1) else { return nil }
        source.start()
        defer { source.stop() }
        // The reading thread, found by its name through the same reader.
        guard let tid = ProcTasks.readAll(pid: getpid())?.first(where: { $0.name == "looptop-attach" })?.tid,
              let before = ProcTasks.read(pid: getpid(), tid: tid) else { return nil }
        let readingsBefore = source.snapshot().process?.readings ?? 0
        let wallStart = monotonic()
        usleep(UInt32(seconds * 1_000_000))
        guard let after = ProcTasks.read(pid: getpid(), tid: tid) else { return nil }
        let wall = Double(monotonic() - wallStart)
        let cpu = Double((after.onCPUNanos ?? after.cpuNanos) - (before.onCPUNanos ?? before.cpuNanos))
        let readings = max(1, (source.snapshot().process?.readings ?? 0) - readingsBefore)
        let seen = source.snapshot().threads.count

        // Frames as the dashboard draws them, 10 a second's worth.
        let screen = MemoryScreen(rows: 30, cols: 100)
        var frames: [Double] = []
        for _ in 0..<20 {
            let start = looptop_self_cpu_ns()
            let frame = ProcessFrame(snapshot: source.snapshot())
            ProcessView.render(frame, on: screen)
            screen.present()
            frames.append(Double(looptop_self_cpu_ns() - start) / 1e6)
        }
        frames.sort()
        return Reading(cpuShare: cpu / wall, microsPerThread: cpu / 1000 / Double(readings * max(1, seen)),
                       frameCPUMs: frames[frames.count / 2], threads: seen)
    }

    /// `looptop threads-demo` as a child, ended by closing its stdin.
    final class Child {
        let pid: pid_t
        private let stdinFD: Int32
        private let stdoutFD: Int32
        private let stderrFD: Int32

        init?(threads: Int) {
            var buffer = [CChar](repeating: 0, count: 4096)
            let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
            guard n > 0 else { return nil }
            let exe = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let words: [String] = [exe, "threads-demo", "--sleeping", "\(threads)"]
            let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
            defer { argv.forEach { free($0) } }
            var pid: pid_t = 0
            var i: Int32 = -1, o: Int32 = -1, e: Int32 = -1
            guard looptop_spawn(argv, &pid, &i, &o, &e) == 0 else { return nil }
            self.pid = pid
            stdinFD = i
            stdoutFD = o
            stderrFD = e
            // "ready" once every thread is named, within 30 s on a loaded machine.
            var text = ""
            let deadline = monotonic() + 30_000_000_000
            var poller = pollfd(fd: o, events: Int16(POLLIN), revents: 0)
            while !text.contains("ready"), monotonic() < deadline {
                guard poll(&poller, 1, 200) >= 0 else { break }
                var chunk = [UInt8](repeating: 0, count: 256)
                let got = read(o, &chunk, chunk.count)
                if got > 0 { text += String(decoding: chunk[0..<got], as: UTF8.self) } else if got == 0 { break }
            }
            if !text.contains("ready") {
                end()
                return nil
            }
        }

        func end() {
            close(stdinFD)
            kill(pid, SIGTERM)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            close(stdoutFD)
            close(stderrFD)
        }
    }

    static func monotonic() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}
