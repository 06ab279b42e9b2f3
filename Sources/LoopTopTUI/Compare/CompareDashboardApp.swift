#if canImport(Glibc)
import Glibc
#endif
import CNcurses
import LoopTopEngine

/// The split screen of `looptop compare`, in the shared ``TerminalLoop``:
/// each frame reads both engines' newest snapshots and draws them side by
/// side. Keys that change the load go to the ``CompareSource``, which sends
/// them to both engines; a mode key gets its one-line refusal as a notice.
/// With a compare lesson (`options.lesson` with `[compare]`) it plays it on
/// this thread with the engines' time, as ``DashboardApp`` plays a lesson,
/// and shows its panel under the header (n, p, space).
final class CompareDashboardApp: TerminalApp {
    private let source: CompareSource
    private let options: DashboardOptions
    private let keyMap: KeyMap
    private var state = UIState()
    private var live: (left: Snapshot, right: Snapshot) = (Snapshot(), Snapshot())
    private var frozen: (left: Snapshot, right: Snapshot)?
    private var glyphs = Glyphs.unicode
    private var notices: [(notice: Notice, until: UInt64)] = []
    private let player: LessonPlayer?
    private var lessonStarted = false

    init(source: CompareSource, options: DashboardOptions) {
        self.source = source
        self.options = options
        keyMap = KeyMap(burstSize: options.burstSize, lessonMode: options.lesson != nil)
        // A step stays on screen as long as its caption takes to read.
        player = options.lesson.map { LessonPlayer(lesson: $0, source: source, readsCaptions: true) }
    }

    func run() -> Int32 { TerminalLoop.run(self, options: options) }

    // MARK: TerminalApp

    func begin(glyphs: Glyphs) { self.glyphs = glyphs }

    func frame(on screen: CursesScreen) {
        live = source.pair()
        if let player {
            // The lesson starts after the first frames, so its clock is the engines'.
            if !lessonStarted {
                player.start(now: live.left.time)
                lessonStarted = true
            } else {
                _ = player.tick(now: live.left.time, pair: live)
            }
        }
        let now = TerminalLoop.monotonic()
        notices.removeAll { $0.until <= now }
        draw(screen)
    }

    func redraw(on screen: CursesScreen) { draw(screen) }

    /// Applies one key; true if it asks to quit.
    func handle(_ key: Key, on screen: CursesScreen) -> Bool {
        guard let action = keyMap.action(for: key) else { return false }
        if !state.helpVisible {
            switch action {
            case .cycleTheme:
                if let (theme, notice) = ThemeCycle.next(after: screen.theme) {
                    screen.setTheme(theme)
                    notices.removeAll { $0.notice.message.hasPrefix("theme ") }
                    show(notice)
                }
                return false
            case .command(let command):
                let outcome = source.send(command)
                if !outcome.accepted {
                    // In a lesson the modes come from its [compare] table, not from flags.
                    let modeKey: Bool = { if case .cycleMode = command { return true }; return false }()
                    show(Notice(player != nil && modeKey ? "compare: each side keeps its mode (the lesson's [compare])" : outcome.message))
                }
                return false
            case .terminateSelected, .faultSelected, .openDetail, .reloadSpec:
                show(Notice("compare: not available"))
                return false
            case .lessonNext:
                if let player, lessonStarted { player.next(now: live.left.time, pair: live) }
                return false
            case .lessonPrevious:
                if let player, lessonStarted { player.previous(now: live.left.time) }
                return false
            case .lessonTogglePause:
                if let player, lessonStarted, !player.finished { player.togglePause(now: live.left.time) }
                return false
            case .toggleFreeze, .toggleHelp, .toggleModelCurve, .back, .quit:
                break
            default:
                // Selection, log, sort, ended: there is no table here.
                return false
            }
        }
        let wasFrozen = state.frozen
        _ = state.apply(action, workers: [], visibleRows: 0)
        if state.frozen != wasFrozen { frozen = state.frozen ? live : nil }
        return state.quitRequested
    }

    private var shown: (left: Snapshot, right: Snapshot) { state.frozen ? (frozen ?? live) : live }

    private func draw(_ screen: CursesScreen) {
        let pair = shown
        let lesson = player.flatMap { lessonStarted ? LessonStatus(player: $0, now: live.left.time) : nil }
        let frame = CompareFrame(left: pair.left, right: pair.right, state: state, glyphs: glyphs,
                                 historySamples: options.historySamples, notices: notices.map(\.notice), lesson: lesson)
        CompareView.render(frame, on: screen)
        screen.present()
    }

    private func show(_ notice: Notice) {
        notices.removeAll { $0.notice == notice }
        notices.append((notice, TerminalLoop.monotonic() + DashboardApp.noticeNanos))
        if notices.count > 2 { notices.removeFirst(notices.count - 2) }
    }
}
