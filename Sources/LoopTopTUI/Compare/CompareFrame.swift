import LoopTopEngine

/// Everything one frame of `looptop compare` draws: both engines' snapshots
/// and the UI's own state. A value, so it renders the same every time.
public struct CompareFrame: Sendable {
    public var left: Snapshot
    public var right: Snapshot
    /// Help, its page, freeze: the parts of the dashboard's state a comparison uses.
    public var state: UIState
    public var glyphs: Glyphs
    /// Samples a lag graph spreads over its width (a minute of frames).
    public var historySamples: Int
    public var notices: [Notice]
    /// A compare lesson's step, caption and check, in its panel under the header; nil without one.
    public var lesson: LessonStatus?

    public init(left: Snapshot, right: Snapshot, state: UIState = UIState(), glyphs: Glyphs = .unicode,
                historySamples: Int = 600, notices: [Notice] = [], lesson: LessonStatus? = nil) {
        self.left = left
        self.right = right
        self.state = state
        self.glyphs = glyphs
        self.historySamples = max(1, historySamples)
        self.notices = notices
        self.lesson = lesson
    }

    /// One side as the dashboard's own frame, so the loop panel's lines draw it.
    func side(_ snapshot: Snapshot) -> Frame {
        Frame(snapshot: snapshot, state: state, glyphs: glyphs, historySamples: historySamples)
    }

    /// What a side is called: its mode, or left/right when both run the same one.
    func name(left isLeft: Bool) -> String {
        if left.settings.mode == right.settings.mode { return isLeft ? "left" : "right" }
        return (isLeft ? left : right).settings.mode.rawValue
    }
}
