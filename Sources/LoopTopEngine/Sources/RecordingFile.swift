import Foundation

/// A recording read back: its header and its frames, or one line saying
/// why the file is not one.
public struct RecordingFile: Sendable {
    public var path: String
    public var header: RecordingHeader
    public var timeline: Timeline
    /// Set when the last line was cut short (a run killed while writing):
    /// one line saying so; the frames before it are all there.
    public var truncation: String?

    /// Reads `path`. Throws ``RecordingError`` with one line naming the file
    /// (and the line) when it is missing, not a recording, of a format
    /// version this looptop does not know, or broken before its last line.
    public static func load(path: String) throws -> RecordingFile {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw RecordingError(message: "\(path): no such file")
        }
        guard !isDirectory.boolValue else { throw RecordingError(message: "\(path): is a directory, not a recording") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RecordingError(message: "\(path): cannot be read")
        }
        return try parse(data, path: path)
    }

    /// Parses a recording's bytes (`path` names it in messages).
    public static func parse(_ data: Data, path: String) throws -> RecordingFile {
        var lines = data.split(separator: 0x0A, omittingEmptySubsequences: false)
        let endsWithNewline = data.last == 0x0A
        if endsWithNewline, lines.last?.isEmpty == true { lines.removeLast() }
        let notOne = "\(path):1: not a looptop recording (expected a first line {\"format\": \"\(RecordingHeader.formatName)\", \"version\": \(RecordingHeader.currentVersion), ...})"
        guard let first = lines.first, !first.isEmpty else { throw RecordingError(message: notOne) }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        struct Probe: Decodable { var format: String?; var version: Int? }
        guard let probe = try? decoder.decode(Probe.self, from: Data(first)), probe.format == RecordingHeader.formatName else {
            throw RecordingError(message: notOne)
        }
        guard let version = probe.version, RecordingHeader.readableVersions.contains(version) else {
            let known = RecordingHeader.readableVersions
            throw RecordingError(message: "\(path):1: recording format version \(probe.version.map(String.init) ?? "missing") is not one this looptop reads (it reads \(known.lowerBound) to \(known.upperBound))")
        }
        let header: RecordingHeader
        do {
            header = try decoder.decode(RecordingHeader.self, from: Data(first))
        } catch {
            throw RecordingError(message: "\(path):1: recording header is incomplete (\(Self.reason(error)))")
        }
        var timeline = Timeline(historyLength: header.history_length)
        var truncation: String?
        for (i, line) in lines.enumerated().dropFirst() {
            let isLast = i == lines.count - 1
            do {
                let read = try decoder.decode(RecordedLineIn.self, from: Data(line))
                let entry = try read.entry(rowsBefore: timeline.entries.last?.snapshot.workers ?? [])
                if let previous = timeline.entries.last, entry.snapshot.time < previous.snapshot.time {
                    throw RecordingError(message: "time goes backwards")
                }
                timeline.appendCompact(entry.snapshot, delta: entry.delta)
            } catch {
                if isLast {
                    truncation = "\(path):\(i + 1): last line is cut short (the run was stopped while writing); replaying the \(timeline.count) frames before it"
                    break
                }
                throw RecordingError(message: "\(path):\(i + 1): not a recorded frame (\(Self.reason(error)))")
            }
        }
        guard !timeline.isEmpty else {
            throw RecordingError(message: "\(path): the recording holds no frames")
        }
        return RecordingFile(path: path, header: header, timeline: timeline, truncation: truncation)
    }

    static func reason(_ error: Error) -> String {
        switch error {
        case let e as RecordingError: return e.message
        case DecodingError.keyNotFound(let key, _): return "missing \"\(key.stringValue)\""
        case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c):
            return "wrong type at \(c.codingPath.map(\.stringValue).joined(separator: "."))"
        case DecodingError.dataCorrupted: return "not JSON"
        default: return "unreadable"
        }
    }

    /// Seconds from the first frame to the last.
    public var seconds: Double {
        guard let first = timeline.entries.first, let last = timeline.entries.last else { return 0 }
        return Double(last.snapshot.time &- first.snapshot.time) / 1e9
    }
}
