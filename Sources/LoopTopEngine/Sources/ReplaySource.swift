/// A source that moves through time: a recording played back.
public protocol SeekableSource: SnapshotSource {
    var playback: PlaybackPosition { get }
    func seek(_ move: PlaybackMove)
}

/// Where a playback is.
public struct PlaybackPosition: Sendable, Equatable {
    /// Seconds from the first frame to the one shown, and to the last.
    public var elapsed: Double
    public var total: Double
    public var playing: Bool
    /// 1 is the recorded pace.
    public var speed: Double
    /// The frame shown, of `count`.
    public var index: Int
    public var count: Int

    public init(elapsed: Double, total: Double, playing: Bool, speed: Double, index: Int, count: Int) {
        self.elapsed = elapsed
        self.total = total
        self.playing = playing
        self.speed = speed
        self.index = index
        self.count = count
    }
}

/// A move through a playback (the replay keys).
public enum PlaybackMove: Sendable, Equatable {
    case togglePlay
    /// Frames forward (negative: back); pauses.
    case step(Int)
    /// Seconds forward (negative: back).
    case jump(Double)
    case toStart
    case toEnd
    /// Multiplies the speed (0.5 halves, 2 doubles), within 1/16…64.
    case scaleSpeed(Double)
    /// To the frame at or before this engine-clock time.
    case toTime(UInt64)
}

/// Plays a ``RecordingFile`` at the recorded pace: a read-only source.
public final class ReplaySource: SeekableSource, @unchecked Sendable {
    public let recording: RecordingFile
    public let info: SourceInfo
    public var capabilities: SourceCapabilities { [.workerDetail, .seek] }
    private let clock: any EngineClock

    private struct State {
        /// Engine-clock time of the recording shown at `anchorWall`.
        var anchorTime: UInt64
        var anchorWall: UInt64
        var playing = false
        var speed = 1.0
        var cached: (index: Int, snapshot: Snapshot)?
    }

    private let state: ConditionMutex<State>
    private let first: UInt64
    private let last: UInt64

    public init(recording: RecordingFile, clock: any EngineClock = SystemClock()) {
        self.recording = recording
        self.clock = clock
        let name = recording.path.split(separator: "/").last.map(String.init) ?? recording.path
        info = SourceInfo(kind: .recording, title: "replay \(name)", pid: recording.header.source.pid,
                          version: recording.header.looptop_version)
        first = recording.timeline.entries.first?.snapshot.time ?? 0
        last = recording.timeline.entries.last?.snapshot.time ?? 0
        state = ConditionMutex(State(anchorTime: first, anchorWall: clock.now()))
    }

    /// Starts playing from where it is.
    public func start() {
        state.withLock { s in
            guard !s.playing else { return }
            s.anchorWall = clock.now()
            s.playing = true
        }
    }

    public func stop() { state.withLock { s in Self.pause(&s, at: Self.time(s, now: clock.now(), first: first, last: last)) } }

    public var ending: SourceEnding? {
        let p = playback
        return !p.playing && p.index == p.count - 1 ? .finished("end of recording") : nil
    }

    private static func time(_ s: State, now: UInt64, first: UInt64, last: UInt64) -> UInt64 {
        guard s.playing else { return s.anchorTime }
        let moved = Double(now &- s.anchorWall) * s.speed
        let t = Double(s.anchorTime) + moved
        return UInt64(min(Double(last), max(Double(first), t)))
    }

    private static func pause(_ s: inout State, at time: UInt64) {
        s.anchorTime = time
        s.playing = false
    }

    private func index(of time: UInt64) -> Int { recording.timeline.index(atOrBefore: time) ?? 0 }

    public var playback: PlaybackPosition {
        let now = clock.now()
        return state.withLock { s in
            let t = Self.time(s, now: now, first: first, last: last)
            let i = index(of: t)
            let shown = recording.timeline.entries[i].snapshot.time
            return PlaybackPosition(elapsed: Double(shown &- first) / 1e9, total: Double(last &- first) / 1e9,
                                    playing: s.playing && t < last, speed: s.speed, index: i,
                                    count: recording.timeline.count)
        }
    }

    /// The recorded frame for now: a read (the position moves with time).
    public func snapshot(detailFor worker: Int?) -> Snapshot {
        let now = clock.now()
        return state.withLock { s in
            let t = Self.time(s, now: now, first: first, last: last)
            if s.playing, t >= last { Self.pause(&s, at: last) }  // played to the end: hold the last frame
            let i = index(of: t)
            if let cached = s.cached, cached.index == i { return cached.snapshot }
            var snap = recording.timeline.frame(at: i)
            snap.source = info
            s.cached = (i, snap)
            return snap
        }
    }

    public func send(_ command: Command) -> CommandOutcome { .unsupported("replay: read-only") }

    public func seek(_ move: PlaybackMove) {
        let now = clock.now()
        state.withLock { s in
            let t = Self.time(s, now: now, first: first, last: last)
            let entries = recording.timeline.entries
            func to(_ time: UInt64) {
                s.anchorTime = min(last, max(first, time))
                s.anchorWall = now
            }
            switch move {
            case .togglePlay:
                if s.playing {
                    Self.pause(&s, at: t)
                } else {
                    to(t >= last ? first : entries[index(of: t)].snapshot.time)  // at the end: play again
                    s.playing = true
                }
            case .step(let n):
                let i = min(entries.count - 1, max(0, index(of: t) + n))
                Self.pause(&s, at: entries[i].snapshot.time)
            case .jump(let seconds):
                let target = Double(t) + seconds * 1e9
                to(UInt64(min(Double(last), max(Double(first), target))))
            case .toStart:
                to(first)
            case .toEnd:
                Self.pause(&s, at: last)
            case .scaleSpeed(let factor):
                to(t)
                s.speed = min(64, max(1.0 / 16, s.speed * factor))
            case .toTime(let time):
                to(time)
            }
        }
    }
}
