import Synchronization

/// Values kept one per snapshot, oldest first (a worker's recent busy
/// share), whose copies share one buffer.
///
/// Every tick appends a value to each worker's history and hands a copy
/// out in the snapshot. As an `Array` each hand-out cost a copy of the
/// whole history (600 values a worker a tick: most of a 1,000-worker
/// tick, perf of `looptop bench --only dashboard`). Here a copy is a
/// reference and two bounds, and appending writes a slot past every
/// copy's end: slots are written once, so what a copy holds never
/// changes. The first copy to append at the buffer's end claims the slot
/// (an atomic compare-exchange); any other copy that appends gets a
/// buffer of its own. When the buffer is full, the values kept move to a
/// new one twice their number long, so appends cost O(1) on average.
///
/// Reads as a collection of `Double` and codes as a JSON array, as the
/// `[Double]` it replaces did.
public struct SampleHistory: Sendable, RandomAccessCollection, Equatable, Codable, ExpressibleByArrayLiteral,
                             CustomStringConvertible {
    /// Slots written once each; `filled` counts the slots claimed so far.
    final class Buffer: @unchecked Sendable {
        // @unchecked: a slot is written once, by the copy that claimed it
        // (through `filled`), before any other copy can hold it in its
        // bounds; copies reach other threads through a lock.
        let capacity: Int
        let values: UnsafeMutablePointer<Double>
        let filled: Atomic<Int>

        init(capacity: Int, filled: Int) {
            self.capacity = capacity
            values = .allocate(capacity: capacity)
            self.filled = Atomic(filled)
        }

        deinit { values.deallocate() }
    }

    private var buffer: Buffer?
    /// The slots this history holds: `lower..<upper` of `buffer`.
    private var lower = 0
    private var upper = 0

    public init() {}

    public init<S: Sequence>(_ values: S) where S.Element == Double {
        let array = Array(values)
        guard !array.isEmpty else { return }
        let made = Buffer(capacity: array.count, filled: array.count)
        array.withUnsafeBufferPointer { made.values.initialize(from: $0.baseAddress!, count: $0.count) }
        buffer = made
        upper = array.count
    }

    public init(arrayLiteral elements: Double...) { self.init(elements) }

    public var startIndex: Int { 0 }
    public var endIndex: Int { upper - lower }

    public subscript(position: Int) -> Double {
        precondition(position >= 0 && position < upper - lower, "SampleHistory index out of range")
        return buffer.unsafelyUnwrapped.values[lower + position]
    }

    /// Adds `value` at the end, keeping at most `limit` values (the oldest go).
    public mutating func append(_ value: Double, keepingLast limit: Int = .max) {
        let limit = Swift.max(1, limit)
        if let b = buffer, upper < b.capacity,
           b.filled.compareExchange(expected: upper, desired: upper + 1, ordering: .relaxed).exchanged {
            (b.values + upper).initialize(to: value)
            upper += 1
        } else {
            // This copy is not at the buffer's end (another copy appended
            // first), or the buffer is full: keep the newest values in a new one.
            let keep = Swift.min(count, limit - 1)
            let made = Buffer(capacity: Swift.max(16, 2 * (keep + 1)), filled: keep + 1)
            if let b = buffer, keep > 0 { made.values.initialize(from: b.values + (upper - keep), count: keep) }
            (made.values + keep).initialize(to: value)
            buffer = made
            lower = 0
            upper = keep + 1
        }
        if upper - lower > limit { lower = upper - limit }
    }

    /// Empties it (the buffer is left to the copies that still hold it).
    public mutating func removeAll() {
        buffer = nil
        lower = 0
        upper = 0
    }

    public static func == (a: SampleHistory, b: SampleHistory) -> Bool {
        guard a.count == b.count else { return false }
        if a.buffer === b.buffer, a.lower == b.lower { return true }
        return a.elementsEqual(b)
    }

    public init(from decoder: any Decoder) throws {
        self.init(try [Double](from: decoder))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        for value in self { try container.encode(value) }
    }

    public var description: String { Array(self).description }
}
