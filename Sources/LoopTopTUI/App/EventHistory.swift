import LoopTopEngine

/// The events the UI has seen, longer than the engine keeps them (its
/// snapshot carries the last 200): each frame's log is merged in, so the
/// event log can scroll back over at least ``capacity`` events.
public struct EventHistory: Sendable, Equatable {
    public private(set) var events: [EngineEvent] = []
    public let capacity: Int

    public init(capacity: Int = 2_000) {
        self.capacity = max(1, capacity)
    }

    /// Takes in a snapshot's log (oldest first): what follows the newest
    /// event already held is new. If the newest held is not in it (more
    /// events came than the engine keeps), all of it is.
    public mutating func merge(_ log: [EngineEvent]) {
        guard let last = events.last else { append(log[...]); return }
        if let i = log.lastIndex(of: last) {
            append(log[(i + 1)...])
        } else if let first = log.first, first.time >= last.time {
            append(log[...])
        } else {
            // Older than what is held (statistics reset, a new engine): only the newer part.
            append(log.drop { $0.time <= last.time })
        }
    }

    private mutating func append(_ new: ArraySlice<EngineEvent>) {
        guard !new.isEmpty else { return }
        events += new
        if events.count > capacity { events.removeFirst(events.count - capacity) }
    }
}
