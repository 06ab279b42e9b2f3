/// Anything the dashboard can watch: the in-process ``Engine``, a recording
/// being replayed, a Node.js program, another process's threads.
///
/// A source yields ``Snapshot``s and says what else it can do. The UI reads
/// snapshots and sends commands; it never learns what kind of thing is
/// behind the seam except through ``info`` and ``capabilities``.
///
/// Rules every source keeps:
/// - ``snapshot(detailFor:)`` is a read: calling it any number of times
///   changes nothing (the source moves on by itself, on its own thread or
///   its own clock).
/// - ``send(_:)`` never blocks on the watched thing; a command the source
///   cannot take answers ``CommandOutcome/unsupported(_:)`` with one line.
public protocol SnapshotSource: AnyObject, Sendable {
    /// What this source is, for the header and the recording's first line.
    var info: SourceInfo { get }
    /// What the UI may offer for it: keys and panels outside this are hidden.
    var capabilities: SourceCapabilities { get }
    /// Starts watching (or playing). Calling it again does nothing.
    func start()
    /// Stops and releases threads and files. Safe to call more than once.
    func stop()
    /// The newest frame; `detailFor` asks for one worker's recent jobs and
    /// run-time histogram as well. A pure read.
    func snapshot(detailFor worker: Int?) -> Snapshot
    /// Applies a command, or says in one line why it cannot.
    @discardableResult
    func send(_ command: Command) -> CommandOutcome
    /// How the source ended, once it has (the process exited, the
    /// recording ran out); nil while it runs.
    var ending: SourceEnding? { get }
}

extension SnapshotSource {
    public func snapshot() -> Snapshot { snapshot(detailFor: nil) }
}

/// Who a source is.
public struct SourceInfo: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// looptop's own engine, in this process.
        case engine
        /// A recording played back (`looptop replay`).
        case recording
        /// A Node.js program watched through its probe.
        case node
        /// Another process's threads, read from /proc.
        case process
        /// Two engines side by side.
        case compare
    }

    public var kind: Kind
    /// A few words for the header: "engine", "replay run.jsonl", "node app.js".
    public var title: String
    public var pid: Int32?
    /// The watched program's version (Node's), or looptop's for the engine.
    public var version: String?

    public init(kind: Kind, title: String, pid: Int32? = nil, version: String? = nil) {
        self.kind = kind
        self.title = title
        self.pid = pid
        self.version = version
    }

    /// The word a notice starts with: "replay: read-only".
    public var noticeName: String { kind == .recording ? "replay" : kind.rawValue }
}

/// What a source can do besides yielding snapshots.
public struct SourceCapabilities: OptionSet, Sendable, Codable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Takes the engine's commands (mode, size, rate, spawn, burst, reset).
    public static let control = SourceCapabilities(rawValue: 1 << 0)
    /// Can play lessons (they send commands and read figures).
    public static let lessons = SourceCapabilities(rawValue: 1 << 1)
    /// Fills a worker's recent jobs and run-time histogram on request.
    public static let workerDetail = SourceCapabilities(rawValue: 1 << 2)
    /// Moves through time: pause, step, jump, speed (a recording).
    public static let seek = SourceCapabilities(rawValue: 1 << 3)
    /// Reads its workload spec file again (`L`).
    public static let reloadSpec = SourceCapabilities(rawValue: 1 << 4)
    /// Can end a chosen worker (and inject a fault into it).
    public static let terminateWorker = SourceCapabilities(rawValue: 1 << 5)

    public static let all: SourceCapabilities = [.control, .lessons, .workerDetail, .seek, .reloadSpec, .terminateWorker]
}

/// What became of a command: done (with the line saying what it did), or
/// not something this source can do.
public enum CommandOutcome: Sendable, Equatable, CustomStringConvertible, ExpressibleByStringLiteral {
    case done(String)
    case unsupported(String)

    public init(stringLiteral value: String) { self = .done(value) }

    /// The one line to show.
    public var message: String {
        switch self {
        case .done(let m), .unsupported(let m): return m
        }
    }

    public var description: String { message }
    public var accepted: Bool { if case .done = self { return true } else { return false } }
    public func contains(_ text: String) -> Bool { message.contains(text) }
}

/// How a source ended.
public enum SourceEnding: Sendable, Equatable {
    /// ``SnapshotSource/stop()`` was called.
    case stopped
    /// The watched process exited, with its code (nil if killed by a signal).
    case exited(code: Int32?, message: String)
    /// A recording was played to its last frame.
    case finished(String)

    public var message: String {
        switch self {
        case .stopped: return "stopped"
        case .exited(_, let m), .finished(let m): return m
        }
    }
}
