import CNcurses

extension Key {
    /// A curses key code (from `wgetch` with keypad on) as a ``Key``.
    static func curses(_ code: Int32) -> Key {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_ENTER, 10, 13: return .enter
        case 27: return .escape
        case 3: return .interrupt
        case 32...126: return .character(Character(Unicode.Scalar(UInt8(code))))
        default: return .other(code)
        }
    }
}
