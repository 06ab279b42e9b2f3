#if canImport(Glibc)
import Glibc
#endif
import LoopTopEngine
import Synchronization

/// The newest snapshot, handed from whoever takes snapshots (the dashboard's
/// UI thread, the headless loop) to the exporter's thread.
///
/// Publishing is one short lock and a reference-counted copy: the UI thread
/// never waits for a scrape, and a scrape never asks the engine for anything
/// (reading a snapshot changes nothing; taking one is the UI's job).
public final class SnapshotBox: Sendable {
    public struct Published: Sendable {
        public var snapshot: Snapshot
        /// Counts publications, so a reader can tell a new snapshot from the last one.
        public var sequence: UInt64
        /// Monotonic time of the publication, ns.
        public var at: UInt64
    }

    private let state = Mutex<Published?>(nil)

    public init() {}

    public func publish(_ snapshot: Snapshot) {
        let now = MonotonicTime.now()
        state.withLock { current in
            current = Published(snapshot: snapshot, sequence: (current?.sequence ?? 0) &+ 1, at: now)
        }
    }

    public func latest() -> Published? {
        state.withLock { $0 }
    }
}

enum MonotonicTime {
    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    /// The calling thread's CPU time, ns.
    static func threadCPU() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    static func sleep(ms: Int) {
        var asked = timespec(tv_sec: ms / 1000, tv_nsec: (ms % 1000) * 1_000_000)
        var left = timespec()
        while nanosleep(&asked, &left) != 0 && errno == EINTR { asked = left }
    }
}
