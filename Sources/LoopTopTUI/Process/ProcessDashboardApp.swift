#if canImport(Glibc)
import Glibc
#endif
import CNcurses
import LoopTopEngine

/// The dashboard of a watched process, in the shared ``TerminalLoop``: draws
/// the source's latest snapshot, applies keys. The source reads /proc on its
/// own thread; a frame only copies its last snapshot. ``Dashboard/run(source:options:)``
/// runs it for a source of kind `process`: the engine's panels (loop,
/// queue, workers) mean nothing for another program's threads.
final class ProcessDashboardApp: TerminalApp {
    private let source: any SnapshotSource
    private let options: DashboardOptions
    private var state = ProcessUIState()
    private var live = Snapshot()
    private var frozen: Snapshot?
    private var glyphs = Glyphs.unicode
    private var secondsOfDay: Double?
    private var notices: [(notice: Notice, until: UInt64)] = []

    init(source: any SnapshotSource, options: DashboardOptions) {
        self.source = source
        self.options = options
    }

    func run() -> Int32 { TerminalLoop.run(self, options: options) }

    // MARK: TerminalApp

    func begin(glyphs: Glyphs) { self.glyphs = glyphs }

    func frame(on screen: CursesScreen) {
        live = source.snapshot(detailFor: nil)
        options.onSnapshot?(live)
        secondsOfDay = live.wallSeconds > 0 ? DashboardApp.secondsOfDay(unix: live.wallSeconds) : nil
        let now = TerminalLoop.monotonic()
        notices.removeAll { $0.until <= now }
        draw(screen)
    }

    func redraw(on screen: CursesScreen) { draw(screen) }

    func handle(_ key: Key, on screen: CursesScreen) -> Bool { handle(key, screen: screen) }

    private var shown: Snapshot { state.frozen ? (frozen ?? live) : live }

    private func frame(_ snapshot: Snapshot) -> ProcessFrame {
        ProcessFrame(snapshot: snapshot, state: state, glyphs: glyphs, secondsOfDay: secondsOfDay,
                     notices: notices.map(\.notice),
                     timeMark: (source as? any SeekableSource).map { TimeMark.replay($0.playback) })
    }

    private func draw(_ screen: CursesScreen) {
        let snapshot = shown
        var f = frame(snapshot)
        state.fit(threads: f.threads, visibleRows: ProcessView.threadRows(size: screen.size, frame: f))
        f.state = state
        ProcessView.render(f, on: screen)
        screen.present()
    }

    /// Applies one key; true if it asks to quit.
    private func handle(_ key: Key, screen: CursesScreen) -> Bool {
        if !state.helpVisible, key == .character("t") {
            if let (theme, notice) = ThemeCycle.next(after: screen.theme) {
                screen.setTheme(theme)
                notices.removeAll { $0.notice.message.hasPrefix("theme ") }
                show(notice)
            }
            return false
        }
        if handleReplayKey(key) { return false }
        let f = frame(shown)
        let wasFrozen = state.frozen
        if let notice = state.apply(key, threads: f.threads, visibleRows: ProcessView.threadRows(size: screen.size, frame: f),
                                    pid: source.info.pid ?? 0) {
            show(notice)
        }
        if state.frozen != wasFrozen { frozen = state.frozen ? live : nil }
        return state.quitRequested
    }

    /// A replay of `looptop attach --record`: space pause/play, ← → one
    /// reading, [ ] 10 s back/forward, < > speed. (PgUp PgDn Home End keep
    /// moving through the threads, as live.) True if the key was one of them.
    private func handleReplayKey(_ key: Key) -> Bool {
        guard !state.helpVisible, let replay = source as? any SeekableSource else { return false }
        let move: PlaybackMove
        switch key {
        case .character(" "): move = .togglePlay
        case .left: move = .step(-1)
        case .right: move = .step(1)
        case .character("["): move = .jump(-10)
        case .character("]"): move = .jump(10)
        case .character("<"), .character(","): move = .scaleSpeed(0.5)
        case .character(">"), .character("."): move = .scaleSpeed(2)
        default: return false
        }
        replay.seek(move)
        live = source.snapshot(detailFor: nil)
        if state.frozen { frozen = live }
        return true
    }

    private func show(_ notice: Notice) {
        notices.removeAll { $0.notice == notice }
        notices.append((notice, TerminalLoop.monotonic() + 6_000_000_000))
        if notices.count > 2 { notices.removeFirst(notices.count - 2) }
    }
}
