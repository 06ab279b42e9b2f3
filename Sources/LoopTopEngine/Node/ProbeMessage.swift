import Foundation

/// One line the probe sends (see ``NodeProbe``): a type `t` and its fields.
/// Every field is optional so a line from another probe version still reads;
/// a line that is not JSON at all is counted and dropped.
public struct ProbeMessage: Decodable, Sendable, Equatable {
    public struct GC: Decodable, Sendable, Equatable {
        public var count: Int?
        public var ms: Double?
        public var max_ms: Double?
    }

    public struct WorkerFigure: Decodable, Sendable, Equatable {
        public var id: Int
        public var elu: Double?
    }

    public var t: String
    // hello
    public var pid: Int32?
    public var node: String?
    public var argv: [String]?
    public var heartbeat_ms: Double?
    public var interval_ms: Double?
    // inspector
    public var url: String?
    public var error: String?
    // worker, terminating, notice
    public var id: Int?
    public var state: String?
    public var code: Int?
    public var message: String?
    public var text: String?
    // worker (state "thread")
    public var tid: Int32?
    // hb
    public var late_ms: Double?
    // fig
    public var p50: Double?
    public var p99: Double?
    public var max: Double?
    public var count: Int?
    public var elu: Double?
    public var heap: Double?
    public var gc: GC?
    public var workers: [WorkerFigure]?

    /// The message in one line, or nil if it is not one.
    public static func parse(_ line: [UInt8]) -> ProbeMessage? {
        // The heartbeat is most of the traffic: skip the decoder for it.
        if line == Self.plainBeat { return ProbeMessage(t: "hb") }
        return try? JSONDecoder().decode(ProbeMessage.self, from: Data(line))
    }

    static let plainBeat = Array(#"{"t":"hb"}"#.utf8)

    public init(t: String) {
        self.t = t
    }
}
