import Synchronization

/// A bounded ring that many threads publish into without taking a lock, and
/// one reader drains. When it is full, a new element is dropped and counted:
/// drops are reported in every snapshot, never silent.
///
/// The algorithm is Dmitry Vyukov's bounded MPMC queue: each cell carries a
/// sequence number that says whose turn it is, so a producer claims a cell
/// with one compare-and-swap on the tail and publishes it with a release store
/// of the cell's sequence.
public final class EventRing<Element: Sendable>: @unchecked Sendable {
    private struct Cell {
        var value: Element?
    }

    private let capacity: Int
    private let mask: Int
    private let cells: UnsafeMutablePointer<Cell>
    private let sequences: UnsafeMutablePointer<Atomic<Int>>
    private let tail = Atomic<Int>(0)  // next cell to write
    private let head = Atomic<Int>(0)  // next cell to read
    private let droppedCount = Atomic<UInt64>(0)
    private let pushedCount = Atomic<UInt64>(0)

    /// - Parameter capacity: rounded up to a power of two, at least 2.
    public init(capacity: Int) {
        var size = 2
        while size < capacity { size <<= 1 }
        self.capacity = size
        mask = size - 1
        cells = .allocate(capacity: size)
        cells.initialize(repeating: Cell(value: nil), count: size)
        sequences = .allocate(capacity: size)
        for index in 0..<size {
            (sequences + index).initialize(to: Atomic(index))
        }
    }

    deinit {
        cells.deinitialize(count: capacity)
        cells.deallocate()
        sequences.deinitialize(count: capacity)
        sequences.deallocate()
    }

    /// Number of elements the ring holds when full.
    public var size: Int { capacity }

    /// Elements dropped because the ring was full.
    public var dropped: UInt64 { droppedCount.load(ordering: .relaxed) }

    /// Elements accepted since creation.
    public var pushed: UInt64 { pushedCount.load(ordering: .relaxed) }

    /// Publishes `element`; returns false (and counts a drop) when full.
    @discardableResult
    public func push(_ element: Element) -> Bool {
        var position = tail.load(ordering: .relaxed)
        while true {
            let sequence = sequences[position & mask].load(ordering: .acquiring)
            let difference = sequence - position
            if difference == 0 {
                let (exchanged, current) = tail.weakCompareExchange(
                    expected: position, desired: position + 1,
                    successOrdering: .relaxed, failureOrdering: .relaxed)
                if exchanged {
                    cells[position & mask].value = element
                    sequences[position & mask].store(position + 1, ordering: .releasing)
                    pushedCount.add(1, ordering: .relaxed)
                    return true
                }
                position = current
            } else if difference < 0 {
                droppedCount.add(1, ordering: .relaxed)
                return false
            } else {
                position = tail.load(ordering: .relaxed)
            }
        }
    }

    /// Takes the oldest element, or nil when empty. One reader at a time.
    public func pop() -> Element? {
        var position = head.load(ordering: .relaxed)
        while true {
            let sequence = sequences[position & mask].load(ordering: .acquiring)
            let difference = sequence - (position + 1)
            if difference == 0 {
                let (exchanged, current) = head.weakCompareExchange(
                    expected: position, desired: position + 1,
                    successOrdering: .relaxed, failureOrdering: .relaxed)
                if exchanged {
                    let value = cells[position & mask].value
                    cells[position & mask].value = nil
                    sequences[position & mask].store(position + mask + 1, ordering: .releasing)
                    return value
                }
                position = current
            } else if difference < 0 {
                return nil
            } else {
                position = head.load(ordering: .relaxed)
            }
        }
    }

    /// Takes everything published so far, oldest first.
    public func drain(into body: (Element) -> Void) {
        while let element = pop() { body(element) }
    }
}
