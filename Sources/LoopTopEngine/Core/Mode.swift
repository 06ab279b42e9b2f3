/// Where a new job runs.
public enum Mode: String, Sendable, CaseIterable, Codable {
    /// Inline on the event loop: timers and requests wait until it is done.
    case blocking
    /// On the event loop in slices of about 1 ms, yielding to timers and
    /// requests between slices (Node's "partition your work" answer).
    case chunked
    /// Handed to the worker pool; the result comes back to the loop as a message.
    case offloaded

    /// The next mode in the order a key cycles through them.
    public var next: Mode {
        switch self {
        case .blocking: .chunked
        case .chunked: .offloaded
        case .offloaded: .blocking
        }
    }
}

/// How job arrivals are spaced at a given rate.
public enum ArrivalPattern: String, Sendable, CaseIterable, Codable {
    /// Evenly spaced, one every 1/rate seconds.
    case constant
    /// Exponentially distributed gaps with mean 1/rate (a Poisson process).
    case poisson
}

/// A worker's life, in the order it is lived.
public enum WorkerState: UInt8, Sendable, CaseIterable, Codable, CustomStringConvertible {
    case starting, idle, running, stopping, exited, failed

    public var description: String {
        switch self {
        case .starting: "starting"
        case .idle: "idle"
        case .running: "running"
        case .stopping: "stopping"
        case .exited: "exited"
        case .failed: "failed"
        }
    }

    /// True while the thread is alive and counts toward the pool's size.
    public var isLive: Bool {
        switch self {
        case .starting, .idle, .running, .stopping: true
        case .exited, .failed: false
        }
    }
}

/// How a job ended.
public enum JobOutcome: String, Sendable, Codable, CaseIterable {
    case completed, failed, cancelled, rejected
}
