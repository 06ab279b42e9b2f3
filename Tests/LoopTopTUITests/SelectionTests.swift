@testable import LoopTopEngine
import Testing
import LoopTopTUI

struct SelectionTests {
    let ids = Array(1...10)

    @Test func downFromNothingSelectsTheFirstShownRow() {
        var s = Selection()
        s.move(by: 1, in: ids, visible: 4)
        #expect(s.workerID == 1)
        var t = Selection()
        t.move(by: -1, in: ids, visible: 4)
        #expect(t.workerID == 4)
    }

    @Test func movingScrollsToKeepTheSelectionShown() {
        var s = Selection()
        s.move(by: 1, in: ids, visible: 4)
        for _ in 0..<5 { s.move(by: 1, in: ids, visible: 4) }
        #expect(s.workerID == 6)
        #expect(s.offset == 2)
        s.move(by: 100, in: ids, visible: 4)
        #expect(s.workerID == 10)
        #expect(s.offset == 6)
        s.move(by: -8, in: ids, visible: 4)
        #expect(s.workerID == 2)
        #expect(s.offset == 1)
    }

    @Test func followsTheWorkerWhenRowsShift() {
        var s = Selection(workerID: 5)
        s.sync(to: ids)
        s.sync(to: [1, 2, 5, 6])
        #expect(s.row(in: [1, 2, 5, 6]) == 2)
        #expect(s.workerID == 5)
    }

    @Test func aVanishedWorkerPassesTheSelectionToItsRow() {
        var s = Selection(workerID: 5)
        s.sync(to: ids)  // row 4
        s.sync(to: [1, 2, 3, 4, 6, 7])
        #expect(s.workerID == 6)
        s.sync(to: [1])
        #expect(s.workerID == 1)
        s.sync(to: [])
        #expect(s.workerID == nil)
    }

    @Test func scrollNeverLeavesEmptyRowsBelowTheLast() {
        var s = Selection(offset: 8)
        s.keepVisible(count: 10, visible: 4)
        #expect(s.offset == 6)
        s.keepVisible(count: 3, visible: 4)
        #expect(s.offset == 0)
    }
}

struct UIStateTests {
    let workers = [Fixtures.worker(1, .running), Fixtures.worker(2, .idle), Fixtures.worker(3, .exited)]

    @Test func terminateGoesToTheSelectedLiveWorkerElseTheNewest() {
        var state = UIState()
        #expect(state.apply(.terminateSelected, workers: workers, visibleRows: 5) == .terminate(worker: nil))
        _ = state.apply(.moveSelection(1), workers: workers, visibleRows: 5)
        _ = state.apply(.moveSelection(1), workers: workers, visibleRows: 5)
        #expect(state.apply(.terminateSelected, workers: workers, visibleRows: 5) == .terminate(worker: 2))
        #expect(state.apply(.faultSelected, workers: workers, visibleRows: 5) == .injectFault(worker: 2))
        _ = state.apply(.moveSelection(1), workers: workers, visibleRows: 5)
        // Worker 3 has exited: there is nothing to terminate there, so the newest live one goes.
        #expect(state.apply(.terminateSelected, workers: workers, visibleRows: 5) == .terminate(worker: nil))
    }

    @Test func escapeClearsTheSelection() {
        var state = UIState()
        _ = state.apply(.moveSelection(1), workers: workers, visibleRows: 5)
        #expect(state.selection.workerID == 1)
        _ = state.apply(.back, workers: workers, visibleRows: 5)
        #expect(state.selection.workerID == nil)
    }

    @Test func detailOpensOnTheSelectionAndFollowsIt() {
        var state = UIState()
        _ = state.apply(.openDetail, workers: workers, visibleRows: 5)
        #expect(state.view == .detail(1))
        _ = state.apply(.moveSelection(1), workers: workers, visibleRows: 5)
        #expect(state.view == .detail(2))
        _ = state.apply(.back, workers: workers, visibleRows: 5)
        #expect(state.view == .main)
        #expect(state.selection.workerID == 2)
    }

    @Test func helpIsModal() {
        var state = UIState()
        _ = state.apply(.toggleHelp, workers: workers, visibleRows: 5)
        #expect(state.helpVisible)
        // Any key closes it and does nothing else...
        #expect(state.apply(.command(.spawn(count: 1)), workers: workers, visibleRows: 5) == nil)
        #expect(!state.helpVisible)
        // ...but quit still quits.
        _ = state.apply(.toggleHelp, workers: workers, visibleRows: 5)
        _ = state.apply(.quit, workers: workers, visibleRows: 5)
        #expect(state.quitRequested)
    }

    @Test func freezeToggles() {
        var state = UIState()
        _ = state.apply(.toggleFreeze, workers: workers, visibleRows: 5)
        #expect(state.frozen)
        // Scrolling still works while frozen.
        _ = state.apply(.moveSelection(1), workers: workers, visibleRows: 5)
        #expect(state.selection.workerID == 1)
        _ = state.apply(.toggleFreeze, workers: workers, visibleRows: 5)
        #expect(!state.frozen)
    }

    @Test func commandsPassThrough() {
        var state = UIState()
        #expect(state.apply(.command(.cycleMode), workers: workers, visibleRows: 5) == .cycleMode)
    }

    @Test func fitLeavesTheDetailOfAWorkerThatIsGone() {
        var state = UIState()
        _ = state.apply(.openDetail, workers: workers, visibleRows: 5)
        state.fit(workers: [], visibleRows: 5)
        #expect(state.view == .main)
    }
}
