import Testing
import LoopTopTUI
import LoopTopEngine

struct KeyMapTests {
    let keys = KeyMap(burstSize: 20)

    @Test func engineKeys() {
        #expect(keys.action(for: .character("+")) == .command(.spawn(count: 1)))
        #expect(keys.action(for: .character("b")) == .command(.cycleMode))
        #expect(keys.action(for: .character("w")) == .command(.cycleWorkload))
        #expect(keys.action(for: .character("[")) == .command(.scaleJobSize(by: 0.5)))
        #expect(keys.action(for: .character("]")) == .command(.scaleJobSize(by: 2)))
        #expect(keys.action(for: .character("{")) == .command(.scaleRate(by: 0.5)))
        #expect(keys.action(for: .character("}")) == .command(.scaleRate(by: 2)))
        #expect(keys.action(for: .character(" ")) == .command(.togglePause))
        #expect(keys.action(for: .character("B")) == .command(.burst(20)))
        #expect(keys.action(for: .character("r")) == .command(.resetStatistics))
        #expect(KeyMap(burstSize: 5).action(for: .character("B")) == .command(.burst(5)))
    }

    @Test func uiKeys() {
        #expect(keys.action(for: .character("-")) == .terminateSelected)
        #expect(keys.action(for: .character("x")) == .faultSelected)
        #expect(keys.action(for: .character("z")) == .toggleFreeze)
        #expect(keys.action(for: .character("?")) == .toggleHelp)
        #expect(keys.action(for: .character("q")) == .quit)
        #expect(keys.action(for: .interrupt) == .quit)
        #expect(keys.action(for: .up) == .moveSelection(-1))
        #expect(keys.action(for: .down) == .moveSelection(1))
        #expect(keys.action(for: .character("k")) == .moveSelection(-1))
        #expect(keys.action(for: .character("j")) == .moveSelection(1))
        #expect(keys.action(for: .pageDown) == .page(1))
        #expect(keys.action(for: .pageUp) == .page(-1))
        #expect(keys.action(for: .home) == .selectFirst)
        #expect(keys.action(for: .end) == .selectLast)
        #expect(keys.action(for: .enter) == .openDetail)
        #expect(keys.action(for: .escape) == .back)
    }

    @Test func unknownKeysDoNothing() {
        #expect(keys.action(for: .character("y")) == nil)
        #expect(keys.action(for: .other(999)) == nil)
    }

    @Test func helpListsEveryKeyTheMapKnows() {
        let help = keys.help().map(\.keys).joined(separator: " ")
        for key in ["+", "-", "b", "w", "[", "]", "{", "}", "space", "B", "x", "r", "z", "?", "q", "^C", "Enter", "Esc", "j", "k"] {
            #expect(help.contains(key), "help does not list \(key)")
        }
    }
}
