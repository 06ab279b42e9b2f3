#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The first line of a recording: what made it, where and when.
public struct RecordingHeader: Sendable, Equatable, Codable {
    public struct Machine: Sendable, Equatable, Codable {
        public var cores: Int
        public var cpu_model: String
    }

    /// Always "looptop-recording": how a reader knows the file is one.
    public var format: String
    /// Version of the line format; a reader refuses versions it does not know.
    /// 2: a frame's worker rows are written as what changed since the line
    /// before (``RecordedRows``); 1: every row whole in every frame.
    public var version: Int
    public var looptop_version: String
    public var source: SourceInfo
    /// When the run started: ISO 8601 (UTC) and Unix seconds.
    public var started_at: String
    public var started_unix: Double
    public var machine: Machine
    /// Frames written a second.
    public var frames_per_second: Double
    /// Values a rebuilt history holds (the engine's history length).
    public var history_length: Int

    public static let formatName = "looptop-recording"
    public static let currentVersion = 2
    /// Versions this looptop reads.
    public static let readableVersions = 1...2

    public init(source: SourceInfo, startedUnix: Double, cores: Int, framesPerSecond: Double, historyLength: Int) {
        format = Self.formatName
        version = Self.currentVersion
        looptop_version = LoopTopVersion.current
        self.source = source
        started_unix = startedUnix
        started_at = Self.iso8601(startedUnix)
        machine = Machine(cores: cores, cpu_model: Self.cpuModel())
        frames_per_second = framesPerSecond
        history_length = historyLength
    }

    static func iso8601(_ unix: Double) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: Date(timeIntervalSince1970: unix))
    }

    /// The CPU's model name from /proc/cpuinfo ("unknown" where it has none).
    static func cpuModel() -> String {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "unknown" }
        for line in text.split(separator: "\n") where line.hasPrefix("model name") {
            if let colon = line.firstIndex(of: ":") {
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return "unknown"
    }
}

/// Writes an engine's frames to a file as JSON Lines, `framesPerSecond` a
/// second whatever the dashboard's or headless interval is: ticks in between
/// are merged into the next line's delta, so nothing is lost.
public final class Recorder: @unchecked Sendable {
    // Touched only on the engine's ticking thread (one tick at a time), and
    // by `finish` after the engine stopped ticking into it.
    private let fd: Int32
    public let path: String
    private let spacing: UInt64
    private var timeline: Timeline
    /// The ticks' deltas since the last line, merged.
    private var pending: ScopeDelta?
    private var lastWritten: UInt64 = 0
    private var unwritten: Snapshot?
    private let encoder: JSONEncoder
    /// Bytes and lines written so far.
    public private(set) var bytes = 0
    public private(set) var lines = 0
    /// CPU time spent encoding and writing, ns (for `looptop bench`).
    public private(set) var cpuNanos: UInt64 = 0
    /// The first write error, if one happened (the run goes on without recording).
    public private(set) var failure: String?

    /// Opens `path` for writing (created or truncated). Throws a one-line
    /// message when it cannot.
    public init(path: String, framesPerSecond: Double = 10, historyLength: Int = 600) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw RecordingError(message: "--record: cannot write '\(path)': \(String(cString: strerror(errno)))")
        }
        self.fd = fd
        self.path = path
        spacing = UInt64(1e9 / max(0.1, framesPerSecond))
        timeline = Timeline(limit: 2, historyLength: historyLength)
        encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    }

    deinit { close(fd) }

    /// Writes the header and records every tick of `engine` from now on.
    public func attach(to engine: Engine) {
        let header = RecordingHeader(source: engine.info, startedUnix: engine.startWallSeconds, cores: Engine.cores,
                                     framesPerSecond: 1e9 / Double(spacing),
                                     historyLength: engine.configuration.historyLength)
        if let data = try? encoder.encode(header) { write(data) }
        engine.observeTicks { [self] snapshot, delta in self.take(snapshot, delta) }
    }

    /// Stops recording `engine` and writes the last frame (the summary's).
    public func finish(_ engine: Engine) {
        engine.observeTicks(nil)
        if let unwritten { writeFrame(unwritten) }
    }

    /// Writes the header of a recording of a watched process (`looptop
    /// attach PID --record FILE`); then ``record(_:)`` takes each reading.
    /// One frame a reading, its threads' figures whole: a process has no
    /// scope deltas, its counters are cumulative, and a replay rebuilds any
    /// interval from them.
    public func begin(process: ProcessThreads) {
        let header = RecordingHeader(source: process.info, startedUnix: Engine.wallSeconds(), cores: Engine.cores,
                                     framesPerSecond: 1 / max(0.05, process.readEverySeconds), historyLength: 600)
        if let data = try? encoder.encode(header) { write(data) }
    }

    /// Writes the header of a recording of a watched Node.js app (`looptop
    /// node --record FILE`); then ``recordFrame(_:)`` writes each frame.
    public func begin(node info: SourceInfo, framesPerSecond: Double) {
        let header = RecordingHeader(source: info, startedUnix: Engine.wallSeconds(), cores: Engine.cores,
                                     framesPerSecond: framesPerSecond, historyLength: Timeline.nodeHistoryValues)
        if let data = try? encoder.encode(header) { write(data) }
    }

    /// Writes `snapshot` as the next frame now, whatever the frame rate
    /// (the caller keeps the pace: a Node frame may carry reports that must
    /// not be merged away).
    public func recordFrame(_ snapshot: Snapshot) {
        let started = selfCPUNanos()
        defer { cpuNanos &+= selfCPUNanos() &- started }
        writeFrame(snapshot)
    }

    /// Records one reading of a process (from ``ProcessThreads/observeReadings(_:)``,
    /// one at a time).
    public func record(_ snapshot: Snapshot) { take(snapshot, nil) }

    /// Writes a frame still held back (the last, when readings came faster than the frame rate).
    public func finish() {
        if let unwritten { writeFrame(unwritten) }
    }

    private func take(_ snapshot: Snapshot, _ delta: ScopeDelta?) {
        let started = selfCPUNanos()
        defer { cpuNanos &+= selfCPUNanos() &- started }
        if let delta { pending = pending.map { $0.merged(with: delta) } ?? delta }
        unwritten = snapshot
        if lines <= 1 || snapshot.time &- lastWritten >= spacing &- spacing / 10 { writeFrame(snapshot) }
    }

    private func writeFrame(_ snapshot: Snapshot) {
        timeline.append(snapshot, delta: pending)
        guard let entry = timeline.entries.last else { return }
        // Rows are written as what changed since the line before (version 2).
        let before = timeline.count >= 2 ? timeline.entries[timeline.count - 2].snapshot.workers : nil
        guard let bytes = try? LineEncoder.encode(RecordedLine(entry: entry, rowsBefore: before)) else { return }
        write(Data(bytes))
        pending = nil
        unwritten = nil
        lastWritten = snapshot.time
    }


    private func write(_ data: Data) {
        guard failure == nil else { return }
        var line = data
        line.append(0x0A)
        let ok = line.withUnsafeBytes { raw -> Bool in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 { if errno == EINTR { continue }; return false }
                offset += n
            }
            return true
        }
        if ok {
            bytes += line.count
            lines += 1
        } else {
            failure = "--record: writing '\(path)' failed: \(String(cString: strerror(errno)))"
        }
    }
}

/// A recording that cannot be read, as one line naming the file (and line).
public struct RecordingError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
