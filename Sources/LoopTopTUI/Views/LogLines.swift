import LoopTopEngine

/// The event log's lines: events that repeat fold into one line with a
/// count, so one noisy kind (a full queue rejecting jobs every second)
/// takes one line instead of the whole log.
///
/// Events fold when they say the same thing apart from their numbers and
/// no more than ``gapNanos`` passes between one and the next; a line sits
/// where its newest event is. Rejections add up ("340 jobs rejected in the
/// last 10 s: queue full"); others keep the newest message and say how
/// many there were ("×16", or "and 15 like it" when the numbers differ).
public struct LogLine: Sendable, Equatable {
    /// The newest event of the line.
    public var event: EngineEvent
    public var message: String
    /// Events folded into it (1: just this one).
    public var count: Int
    /// Time of the oldest event folded in.
    public var firstTime: UInt64

    /// Longest pause between two events that still fold together.
    public static let gapNanos: UInt64 = 10_000_000_000

    /// Folds `events` (oldest first) into lines, oldest first.
    public static func fold(_ events: [EngineEvent]) -> [LogLine] {
        struct Group { var events: [EngineEvent]; var newest: Int }
        var groups: [Group] = []
        var open: [String: Int] = [:]  // key → its newest group
        for (n, event) in events.enumerated() {
            let key = foldKey(event)
            if let i = open[key], let newest = groups[i].events.last,
               event.time >= newest.time, event.time - newest.time <= gapNanos {
                groups[i].events.append(event)
                groups[i].newest = n
            } else {
                groups.append(Group(events: [event], newest: n))
                open[key] = groups.count - 1
            }
        }
        // A line sits where its newest event is.
        return groups.sorted { $0.newest < $1.newest }.map { line(of: $0.events) }
    }

    /// What an event says with its numbers (ASCII digits, with the `.` and
    /// `,` inside them) taken out. Walked as UTF-8 bytes, not Characters:
    /// every kept event is keyed each time the log is folded.
    static func foldKey(_ event: EngineEvent) -> String {
        var key = Array(event.kind.rawValue.utf8)
        key.append(UInt8(ascii: ":"))
        var inNumber = false
        var message = event.message
        message.withUTF8 { bytes in
            key.reserveCapacity(key.count + bytes.count)
            for byte in bytes {
                if (byte >= 0x30 && byte <= 0x39) || (inNumber && (byte == 0x2E || byte == 0x2C)) {
                    if !inNumber { key.append(UInt8(ascii: "#")) }
                    inNumber = true
                } else {
                    inNumber = false
                    key.append(byte)
                }
            }
        }
        return String(decoding: key, as: UTF8.self)
    }

    static func line(of events: [EngineEvent]) -> LogLine {
        let newest = events.last!
        let count = events.count
        var line = LogLine(event: newest, message: newest.message, count: count, firstTime: events.first!.time)
        guard count > 1 else { return line }
        if let rejected = rejection(newest.message) {
            let total = events.compactMap { rejection($0.message)?.count }.reduce(0, +)
            let seconds = Double(newest.time - events.first!.time) / 1e9
            // Each report covers about a second since the one before it.
            let span = Units.duration(seconds: seconds + 1)
            line.message = "\(total) job\(total == 1 ? "" : "s") rejected in the last \(span)\(rejected.rest)"
        } else if events.allSatisfy({ $0.message == newest.message }) {
            line.message = newest.message + " ×\(count)"
        } else {
            line.message = newest.message + " (and \(count - 1) like it)"
        }
        return line
    }

    /// "34 jobs rejected: queue full (capacity 64)" → (34, ": queue full (capacity 64)").
    static func rejection(_ message: String) -> (count: Int, rest: Substring)? {
        let words = message.split(separator: " ", maxSplits: 2)
        guard words.count == 3, let n = Int(words[0]), words[1].hasPrefix("job"),
              words[2].hasPrefix("rejected") else { return nil }
        return (n, words[2].dropFirst("rejected".count))
    }
}

/// Folds the event log once per change of it: the dashboard asks every
/// frame (twice: to draw and to bound its scrolling), while events come a
/// few a minute. Folding the UI's 2,000 kept events every frame was a
/// sixth of a frame's CPU with 64 busy workers (perf, `looptop bench
/// --only dashboard`). UI thread only.
public final class LogFolder {
    private var key: (count: Int, first: EngineEvent?, last: EngineEvent?) = (0, nil, nil)
    private var folded: [LogLine] = []

    public init() {}

    /// `LogLine.fold(events)`, computed again only when the events differ
    /// from the last call's in number, first or last (the log only grows at
    /// its end and is cut at its start).
    public func lines(of events: [EngineEvent]) -> [LogLine] {
        if events.count != key.count || events.first != key.first || events.last != key.last {
            folded = LogLine.fold(events)
            key = (events.count, events.first, events.last)
        }
        return folded
    }
}
