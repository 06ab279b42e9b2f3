import Testing
import LoopTopTUI
import LoopTopEngine

@Test func preview() {
    for (snap, rows, cols) in [(Fixtures.offloaded(), 30, 100), (Fixtures.blocking(), 30, 100), (Fixtures.blocking(), 12, 40), (Fixtures.manyWorkers(), 36, 120)] {
        let screen = MemoryScreen(rows: rows, cols: cols)
        DashboardRenderer.render(Frame(snapshot: snap, secondsOfDay: 12 * 3600 + 67), on: screen)
        print(screen.text)
        print(String(repeating: "=", count: cols))
    }
}
