#if canImport(Glibc)
import Glibc
#endif
import Testing
import LoopTopTUI

/// Compares a screen with the expected text line by line; on a mismatch the
/// failure shows a line diff (- expected, + actual) instead of two walls of text.
func expectScreen(_ screen: MemoryScreen, _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
    expectLines(screen.lines, expected, sourceLocation: sourceLocation)
}

func expectLines(_ actual: [String], _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
    var wanted = expected.split(separator: "\n", omittingEmptySubsequences: false).map { line in
        var s = Substring(line)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
    var got = actual
    while wanted.last == "" { wanted.removeLast() }
    while got.last == "" { got.removeLast() }
    guard got != wanted else { return }
    var report = ["screen differs (- expected, + actual):"]
    for change in got.difference(from: wanted).sorted(by: { offset($0) < offset($1) }) {
        switch change {
        case .remove(let i, let line, _): report.append("-" + numbered(i, line))
        case .insert(let i, let line, _): report.append("+" + numbered(i, line))
        }
    }
    report.append("actual screen:")
    report.append(contentsOf: got.map { "|" + $0 })
    Issue.record(Comment(rawValue: report.joined(separator: "\n")), sourceLocation: sourceLocation)
    if let path = getenv("LOOPTOP_SCREEN_DIFF") {
        if let file = fopen(String(cString: path), "a") { fputs(report.joined(separator: "\n") + "\n", file); fclose(file) }
    }
}

private func offset(_ change: CollectionDifference<String>.Change) -> Int {
    switch change {
    case .remove(let i, _, _): return i * 2
    case .insert(let i, _, _): return i * 2 + 1
    }
}

private func numbered(_ index: Int, _ line: String) -> String {
    let n = String(index)
    return String(repeating: " ", count: max(0, 3 - n.count)) + n + "|" + line
}

/// A memory screen with `frame` rendered on it.
func render(_ frame: Frame, rows: Int, cols: Int) -> MemoryScreen {
    let screen = MemoryScreen(rows: rows, cols: cols)
    DashboardRenderer.render(frame, on: screen)
    return screen
}
