@testable import LoopTopEngine
import Testing

/// Issue 14: a worker that spun while its partner waited for a CPU made every
/// hand-off slower on a loaded machine. The budget learns from its spins.
@Suite struct SpinBudgetTests {
    @Test func failedSpinsShrinkToSleepingAtOnceAndProbeNowAndThen() {
        var spin = SpinBudget(limit: 20_000)
        #expect(spin.next() == 20_000)
        for _ in 0..<5 { spin.record(success: false) }
        #expect(spin.next() == 0)
        // Asleep at once, but one wait in 32 tries a short spin.
        var probes = 0
        for _ in 0..<64 where spin.next() > 0 { probes += 1 }
        #expect(probes == 2)
    }

    @Test func successfulSpinsGrowBackToTheLimit() {
        var spin = SpinBudget(limit: 20_000)
        for _ in 0..<6 { spin.record(success: false) }
        #expect(spin.current == 0)
        spin.record(success: true)
        #expect(spin.current == 2 * SpinBudget.floor)
        for _ in 0..<10 { spin.record(success: true) }
        #expect(spin.next() == 20_000)
    }

    @Test func aZeroLimitNeverSpins() {
        var spin = SpinBudget(limit: 0)
        for _ in 0..<100 { #expect(spin.next() == 0) }
    }
}
