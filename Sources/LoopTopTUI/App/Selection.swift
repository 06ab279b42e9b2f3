/// Which worker is selected and which rows of the table are shown.
///
/// The selection follows a worker by id, not by row: when workers come and go
/// the same worker stays selected. When the selected worker disappears, the
/// worker now at its row is selected instead.
public struct Selection: Sendable, Equatable {
    /// The selected worker; nil when nothing is (then `-` and `x` act on the newest).
    public var workerID: Int?
    /// Row of the selected worker when last seen.
    public private(set) var index = 0
    /// First row shown.
    public var offset = 0

    public init(workerID: Int? = nil, offset: Int = 0) {
        self.workerID = workerID
        self.offset = offset
    }

    /// Row of the selected worker in `ids`, if something is selected.
    public func row(in ids: [Int]) -> Int? {
        guard let id = workerID else { return nil }
        return ids.firstIndex(of: id)
    }

    /// Re-finds the selected worker in `ids` (the rows now shown).
    public mutating func sync(to ids: [Int]) {
        guard let id = workerID else { return }
        if let i = ids.firstIndex(of: id) {
            index = i
        } else if ids.isEmpty {
            workerID = nil
            index = 0
        } else {
            index = min(index, ids.count - 1)
            workerID = ids[index]
        }
    }

    /// Moves by `delta` rows, stopping at the ends. From no selection, down
    /// selects the first row shown and up the last.
    public mutating func move(by delta: Int, in ids: [Int], visible: Int) {
        guard !ids.isEmpty else { workerID = nil; return }
        sync(to: ids)
        if workerID == nil {
            let first = min(max(0, offset), ids.count - 1)
            let last = min(ids.count - 1, first + max(1, visible) - 1)
            index = delta >= 0 ? first : last
        } else {
            index = min(max(0, index + delta), ids.count - 1)
        }
        workerID = ids[index]
        keepVisible(count: ids.count, visible: visible)
    }

    public mutating func selectFirst(in ids: [Int], visible: Int) {
        guard !ids.isEmpty else { return }
        index = 0
        workerID = ids[0]
        keepVisible(count: ids.count, visible: visible)
    }

    public mutating func selectLast(in ids: [Int], visible: Int) {
        guard !ids.isEmpty else { return }
        index = ids.count - 1
        workerID = ids[index]
        keepVisible(count: ids.count, visible: visible)
    }

    /// Moves `offset` so the selected row is on screen and no rows are
    /// wasted below the last worker.
    public mutating func keepVisible(count: Int, visible: Int) {
        let visible = max(1, visible)
        if workerID != nil {
            if index < offset { offset = index }
            if index >= offset + visible { offset = index - visible + 1 }
        }
        offset = min(max(0, offset), max(0, count - visible))
    }
}
