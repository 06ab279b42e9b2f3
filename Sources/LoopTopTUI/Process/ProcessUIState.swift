import LoopTopEngine

/// What the attach dashboard decides for itself: the sort, the selected
/// thread, the detail, the help, the freeze. A value; keys change it
/// through ``apply(_:threads:visibleRows:)``.
public struct ProcessUIState: Sendable, Equatable {
    /// How the threads table is ordered (`s` steps through them).
    public enum SortKey: String, Sendable, CaseIterable {
        case cpu = "CPU", wait = "WAIT", switches = "SWITCHES", tid = "TID", name = "NAME"

        public var next: SortKey {
            let all = Self.allCases
            return all[(all.firstIndex(of: self)! + 1) % all.count]
        }
    }

    public var sort: SortKey = .cpu
    /// Follows a thread by tid (as `Int`), whatever its row.
    public var selection = Selection()
    /// The thread whose detail is open.
    public var detailTID: Int32?
    public var helpVisible = false
    public var frozen = false
    public var quitRequested = false

    public init() {}

    /// The threads in the order the table shows them.
    public static func sorted(_ threads: [ThreadSnapshot], by key: SortKey) -> [ThreadSnapshot] {
        threads.sorted { a, b in
            switch key {
            case .cpu:
                if a.cpu != b.cpu { return a.cpu > b.cpu }
            case .wait:
                let wa = a.runqueueWait ?? -1, wb = b.runqueueWait ?? -1
                if wa != wb { return wa > wb }
            case .switches:
                let sa = a.voluntarySwitchesPerSecond + a.involuntarySwitchesPerSecond
                let sb = b.voluntarySwitchesPerSecond + b.involuntarySwitchesPerSecond
                if sa != sb { return sa > sb }
            case .name:
                if a.name != b.name { return a.name < b.name }
            case .tid:
                break
            }
            return a.tid < b.tid
        }
    }

    /// Applies a key, given the threads in table order and the rows shown.
    /// Returns a one-line notice for a key this read-only source does not take.
    public mutating func apply(_ key: Key, threads: [ThreadSnapshot], visibleRows: Int, pid: Int32) -> Notice? {
        if helpVisible {
            // The help is modal: any key closes it; only quit still acts.
            helpVisible = false
            if key == .character("q") || key == .character("Q") || key == .interrupt { quitRequested = true }
            return nil
        }
        let ids = threads.map { Int($0.tid) }
        selection.sync(to: ids)
        switch key {
        case .up, .character("k"): selection.move(by: -1, in: ids, visible: visibleRows)
        case .down, .character("j"): selection.move(by: 1, in: ids, visible: visibleRows)
        case .pageUp: selection.move(by: -max(1, visibleRows), in: ids, visible: visibleRows)
        case .pageDown: selection.move(by: max(1, visibleRows), in: ids, visible: visibleRows)
        case .home, .character("g"): selection.selectFirst(in: ids, visible: visibleRows)
        case .end, .character("G"): selection.selectLast(in: ids, visible: visibleRows)
        case .enter:
            if selection.workerID == nil { selection.selectFirst(in: ids, visible: visibleRows) }
            detailTID = selection.workerID.map { Int32($0) }
        case .escape:
            if detailTID != nil { detailTID = nil } else { selection.workerID = nil }
        case .character("s"):
            sort = sort.next
        case .character("z"), .character("Z"):
            frozen.toggle()
        case .character("?"), .character("h"):
            helpVisible = true
        case .character("q"), .character("Q"), .interrupt:
            quitRequested = true
        case .character(let c) where "+-_bw[]{} BxrL".contains(c):
            return Notice("attach: read-only (watching pid \(pid)); \(c == " " ? "space" : String(c)) does nothing here",
                          severity: .warn)
        default:
            break
        }
        if detailTID != nil, let id = selection.workerID { detailTID = Int32(id) }
        return nil
    }

    /// Keeps the selection consistent with the threads shown now.
    public mutating func fit(threads: [ThreadSnapshot], visibleRows: Int) {
        let ids = threads.map { Int($0.tid) }
        selection.sync(to: ids)
        selection.keepVisible(count: ids.count, visible: visibleRows)
        if detailTID != nil {
            detailTID = selection.workerID.map { Int32($0) }
        }
    }

    /// Keys and what they do, as the help lists them.
    public static func help(glyphs: Glyphs) -> [(keys: String, meaning: String)] {
        [("\(glyphs.up) \(glyphs.down) j k", "select a thread (PgUp PgDn Home End)"),
         ("Enter", "thread detail"),
         ("Esc", "back (close detail, help, selection)"),
         ("s", "sort: CPU → wait → switches → tid → name"),
         ("z", "freeze the display (readings go on)"),
         ("t", "next color theme"),
         ("?", "this help"),
         ("q  ^C", "quit"),
        ].map { (keys: $0.0, meaning: glyphs == .unicode ? $0.1 : $0.1.replacingOccurrences("→", with: ">")) }
    }

    /// What each figure is, for the help.
    public static let figures: [String] = [
        "CPU    cores used over the last reading interval: delta of schedstat's ns on a CPU",
        "       (else utime+stime) over wall time; 1.00 is one whole core",
        "WAIT   share of the interval runnable but waiting for a CPU (schedstat field 2)",
        "VCSW/s voluntary switches per second (status): the thread slept or blocked",
        "ICSW/s involuntary ones: the scheduler took the CPU away",
        "runnable: threads on a CPU or waiting for one at least half the interval",
        "check: ps -L -o tid,comm,stat,pcpu -p PID; cat /proc/PID/task/TID/schedstat",
    ]
}
