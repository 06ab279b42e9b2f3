/// A key press, as the key map sees it (curses codes and escape sequences
/// are translated at the edge, by ``KeyDecoder``).
public enum Key: Sendable, Hashable {
    case character(Character)
    case up, down, pageUp, pageDown, home, end
    /// ← →: a frame back and forward in time (rewind, replay).
    case left, right
    case enter
    case escape
    /// Ctrl-C read as a byte (with signals it arrives as SIGINT instead).
    case interrupt
    /// Anything else, by its curses code.
    case other(Int32)
}
