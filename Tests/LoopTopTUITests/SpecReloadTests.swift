#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import LoopTopTUI
import LoopTopEngine

/// `L` reloads the spec file: all or nothing (issue 5, runtime part).
struct SpecReloadTests {
    static func write(_ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "looptop-reload-\(getpid())-\(Int.random(in: 0..<1_000_000)).toml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func aBadSpecKeepsTheOldOneAndSaysWhereTheMistakeIs() throws {
        let path = try Self.write("""
            [[workload]]
            name = "fast"
            kernel = "primez"
            """)
        defer { unlink(path) }
        var applied = 0
        let notice = SpecReload.run(path: path, apply: { _ in applied += 1; return "" })
        #expect(applied == 0, "a spec that failed to load must change nothing")
        #expect(notice.severity == .critical)
        let file = (path as NSString).lastPathComponent
        #expect(notice.message.hasPrefix("reload failed, old spec kept: \(file):3: "), "\(notice.message)")
        #expect(notice.message.contains("primez"))
        #expect(!notice.message.contains("\n"))
    }

    @Test func badTOMLAndAMissingFileAreOneLineToo() throws {
        let path = try Self.write("[arrivals]\nrate = = 4\n")
        defer { unlink(path) }
        let toml = SpecReload.run(path: path, apply: { _ in Issue.record("applied"); return "" })
        #expect(toml.severity == .critical && toml.message.contains(":2: not valid TOML"), "\(toml.message)")
        let missing = SpecReload.run(path: "/nonexistent/spec.toml", apply: { _ in Issue.record("applied"); return "" })
        #expect(missing.message == "reload failed, old spec kept: /nonexistent/spec.toml: cannot read the file: it does not exist")
        let none = SpecReload.run(path: nil, apply: { _ in Issue.record("applied"); return "" })
        #expect(none.severity == .warn && none.message.contains("--spec"))
    }

    @Test func aGoodSpecIsAppliedOnce() throws {
        let path = try Self.write("""
            [arrivals]
            rate = 12
            [[workload]]
            name = "small-sort"
            kernel = "sort"
            elements = 1000
            """)
        defer { unlink(path) }
        var specs: [WorkloadSpec] = []
        let notice = SpecReload.run(path: path, apply: { specs.append($0); return "spec x: 1 workload (small-sort)" })
        #expect(specs.count == 1 && specs.first?.rate == 12)
        #expect(notice == Notice("reloaded spec x: 1 workload (small-sort)"))
    }

    @Test func theFailureShowsAboveTheWarnings() throws {
        var frame = DashboardScenarios.frame(Fixtures.blocking())
        frame.notices = [Notice("reload failed, old spec kept: load.toml:3: workload 'fast': unknown kernel 'primez'",
                                severity: .critical)]
        let screen = render(frame, rows: 30, cols: 100)
        let at = try #require(screen.find("reload failed, old spec kept: load.toml:3:"))
        #expect(screen.style(row: at.row, col: at.col) == .critical)
        // The engine's warning is still there, on the next line.
        #expect(screen.lines[at.row + 1].contains("loop blocked 812 ms"))
        let compact = render(frame, rows: 12, cols: 40)
        #expect(compact.text.contains("reload failed"))
    }
}
