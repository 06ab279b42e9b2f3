import CNcurses

extension Key {
    /// Curses key codes this module reads, by name, so tests can feed them
    /// without importing curses.
    public enum CursesCode {
        public static let up = KEY_UP, down = KEY_DOWN, home = KEY_HOME, end = KEY_END
        public static let pageUp = KEY_PPAGE, pageDown = KEY_NPAGE, enter = KEY_ENTER
        /// The keypad's corners (Home, PgUp, End, PgDn with num lock off).
        public static let keypadA1 = KEY_A1, keypadA3 = KEY_A3, keypadC1 = KEY_C1, keypadC3 = KEY_C3
        /// What some terminfo entries (vt220 heritage) call the keys over the arrows.
        public static let find = KEY_FIND, select = KEY_SELECT
        public static let shiftHome = KEY_SHOME, shiftEnd = KEY_SEND
        public static let shiftPageUp = KEY_SPREVIOUS, shiftPageDown = KEY_SNEXT
        public static let left = KEY_LEFT, right = KEY_RIGHT, resize = KEY_RESIZE
        /// The first code curses gives a key it knows (bytes are below it).
        public static let first = KEY_MIN
    }

    /// A curses key code (from `wgetch` with keypad on) as a ``Key``.
    /// Codes for keys with modifiers (Ctrl-Home...) have no fixed number;
    /// they are known by their terminfo name (`keyname`).
    public static func curses(_ code: Int32) -> Key {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_PPAGE, KEY_A3, KEY_SPREVIOUS: return .pageUp
        case KEY_NPAGE, KEY_C3, KEY_SNEXT: return .pageDown
        case KEY_HOME, KEY_A1, KEY_FIND, KEY_SHOME: return .home
        case KEY_END, KEY_C1, KEY_SELECT, KEY_SEND: return .end
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_ENTER, 10, 13: return .enter
        case 27: return .escape
        case 3: return .interrupt
        case 32...126: return .character(Character(Unicode.Scalar(UInt8(code))))
        default:
            if code > KEY_MAX, let name = keyname(code) {
                return Key.curses(name: String(cString: name)) ?? .other(code)
            }
            return .other(code)
        }
    }

    /// A key with modifiers by its ncurses extended name ("kHOM5" is
    /// Ctrl-Home, "kNXT3" Alt-PgDn): the key without them.
    public static func curses(name: String) -> Key? {
        guard name.first == "k" else { return nil }
        let base = name.dropFirst().prefix { $0.isLetter }
        let modifier = name.dropFirst(1 + base.count)
        guard !modifier.isEmpty, modifier.allSatisfy(\.isNumber) else { return nil }
        switch base {
        case "HOM": return .home
        case "END": return .end
        case "PRV": return .pageUp
        case "NXT": return .pageDown
        case "UP": return .up
        case "DN": return .down
        default: return nil
        }
    }
}
