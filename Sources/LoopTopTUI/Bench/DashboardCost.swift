#if canImport(Glibc)
import Glibc
#endif
import CSystemShims
import LoopTopEngine

/// What the dashboard itself costs: the work per frame (tick the engine's
/// snapshot, lay it out, draw it into a screen), measured with the thread's
/// own CPU clock while an engine runs. Draws into the in-memory screen, so
/// the figure is the dashboard's, not the terminal emulator's.
public enum DashboardCost {
    public struct Reading: Sendable {
        /// What drawing at `fps` costs, 0…1 of one core: the mean CPU time
        /// of a frame times the frames a second asked for. (The UI thread's
        /// CPU over wall time says less: beside 64 spinning workers on 2
        /// cores the scheduler gives it a few frames a second, and the
        /// figure fell with the frames it did not draw.)
        public var cpuShare: Double
        /// The UI thread's CPU time over wall time, 0…1: what it got.
        public var cpuOverWall: Double
        public var frames: Int
        /// Median CPU time per frame, ms.
        public var frameCPUMs: Double
        /// Of which taking the snapshot (the engine's side), ms.
        public var snapshotCPUMs: Double
    }

    /// Runs frames at `fps` for `seconds` on the calling thread.
    public static func measure(engine: Engine, fps: Double = 10, seconds: Double = 5,
                               size: Size = Size(rows: 36, cols: 120)) -> Reading {
        let screen = MemoryScreen(size)
        let period = UInt64(1e9 / max(1, fps))
        let start = now()
        let cpuStart = looptop_self_cpu_ns()
        var frameCPU: [Double] = []
        var snapshotCPU: [Double] = []
        var next = start
        var state = UIState()
        state.selection = Selection()
        // The event log as the dashboard keeps it: merged history, folded once per change.
        var history = EventHistory()
        let folder = LogFolder()
        while now() - start < UInt64(seconds * 1e9) {
            let before = looptop_self_cpu_ns()
            // The frame ticks the engine (made with no sampler of its own), so
            // the figure is what a live dashboard costs in all: tick and draw.
            let snapshot = engine.tick(scopes: false)
            snapshotCPU.append(Double(looptop_self_cpu_ns() - before) / 1e6)
            history.merge(snapshot.log)
            var frame = Frame(snapshot: snapshot, state: state, historySamples: 600, history: history.events)
            frame.logLines = folder.lines(of: history.events)
            DashboardRenderer.render(frame, on: screen)
            screen.present()
            frameCPU.append(Double(looptop_self_cpu_ns() - before) / 1e6)
            next += period
            let wait = next > now() ? next - now() : 0
            if wait > 0 { usleep(UInt32(wait / 1000)) }
        }
        let wall = Double(now() - start)
        let cpu = Double(looptop_self_cpu_ns() - cpuStart)
        frameCPU.sort()
        snapshotCPU.sort()
        let meanFrameSeconds = frameCPU.isEmpty ? 0 : frameCPU.reduce(0, +) / Double(frameCPU.count) / 1e3
        return Reading(cpuShare: meanFrameSeconds * fps, cpuOverWall: wall > 0 ? cpu / wall : 0, frames: frameCPU.count,
                       frameCPUMs: frameCPU.isEmpty ? 0 : frameCPU[frameCPU.count / 2],
                       snapshotCPUMs: snapshotCPU.isEmpty ? 0 : snapshotCPU[snapshotCPU.count / 2])
    }

    private static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}
