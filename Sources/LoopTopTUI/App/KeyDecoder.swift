/// Turns the codes curses hands over into keys, reading the escape
/// sequences curses did not recognise itself.
///
/// Curses decodes only the sequences its terminfo entry lists: under
/// `TERM=xterm-256color` in tmux, Home arrives as `ESC [ 1 ~`, which it
/// returns byte by byte (Esc, `[`, `1`, `~`), and `[` would halve the job
/// size. Here every usual form of Home, End, PgUp, PgDn and the arrows is
/// read whatever the terminal, and any other sequence (F-keys, Alt-x,
/// mouse, focus reports) is dropped whole: no byte of it becomes a key.
///
/// Feed the codes of one read with ``feed(_:)``, then call ``flush()``
/// when none is waiting: an Esc with nothing after it is the Esc key (curses
/// already waited `ESCDELAY` for the rest of a sequence).
public struct KeyDecoder: Sendable {
    private enum Pending: Sendable {
        case none
        /// Esc read; what follows decides.
        case escape
        /// `ESC [` and the parameter and intermediate bytes so far.
        case csi([UInt8])
        /// `ESC [ [`: the Linux console's F1–F5, one more byte.
        case linuxFunction
        /// `ESC O` and any parameter bytes so far.
        case ss3([UInt8])
    }

    private var pending = Pending.none

    public init() {}

    /// Decodes a whole read: its codes, then the end of input.
    public static func decode(_ codes: [Int32]) -> [Key] {
        var decoder = KeyDecoder()
        return codes.flatMap { decoder.feed($0) } + decoder.flush()
    }

    /// No more codes are waiting: a lone Esc is the Esc key; a sequence cut
    /// short is dropped.
    public mutating func flush() -> [Key] {
        defer { pending = .none }
        if case .escape = pending { return [.escape] }
        return []
    }

    /// Takes one code; returns the keys it completes (none while a sequence
    /// is being read or when it ends one that means nothing here).
    public mutating func feed(_ code: Int32) -> [Key] {
        let byte: UInt8? = (0...127).contains(code) ? UInt8(code) : nil
        switch pending {
        case .none:
            if code == 27 { pending = .escape; return [] }
            return [Key.curses(code)]
        case .escape:
            switch code {
            case 91:  // "["
                pending = .csi([])
                return []
            case 79:  // "O"
                pending = .ss3([])
                return []
            case 27:
                // Esc twice: the first one was the key.
                return [.escape]
            case 32...126:
                // Alt and a key: nothing here uses it.
                pending = .none
                return []
            default:
                // Esc, then a key curses knows or a control byte: both are keys.
                pending = .none
                return [.escape] + feed(code)
            }
        case .csi(let bytes):
            guard let b = byte else { return abandon(code) }
            if bytes.isEmpty && b == UInt8(ascii: "[") { pending = .linuxFunction; return [] }
            // rxvt ends Shift-Home and friends with "$" (`ESC[7$`), a byte that is an
            // intermediate everywhere else.
            if b == UInt8(ascii: "$"), !bytes.isEmpty, bytes.allSatisfy({ (0x30...0x39).contains($0) }) {
                pending = .none
                return Self.csi(parameters: bytes, final: b).map { [$0] } ?? []
            }
            if (0x20...0x3F).contains(b) { pending = .csi(bytes + [b]); return [] }
            if (0x40...0x7E).contains(b) {
                pending = .none
                return Self.csi(parameters: bytes, final: b).map { [$0] } ?? []
            }
            return abandon(code)
        case .linuxFunction:
            pending = .none
            return byte.map { (0x40...0x7E).contains($0) } == true ? [] : feed(code)
        case .ss3(let bytes):
            guard let b = byte else { return abandon(code) }
            if (0x30...0x3F).contains(b) { pending = .ss3(bytes + [b]); return [] }
            if (0x40...0x7E).contains(b) {
                pending = .none
                return Self.ss3(final: b).map { [$0] } ?? []
            }
            return abandon(code)
        }
    }

    /// A code that cannot be part of the sequence being read: the sequence
    /// is dropped and the code read on its own.
    private mutating func abandon(_ code: Int32) -> [Key] {
        pending = .none
        return feed(code)
    }

    /// `ESC [ parameters final`: xterm's `ESC[H`, `ESC[1;5H` (with
    /// modifiers), and the vt220's `ESC[1~`, `ESC[5~`; rxvt's `ESC[7~` (and
    /// `ESC[7$`, `ESC[7^`, `ESC[7@` with Shift, Ctrl, both).
    static func csi(parameters: [UInt8], final: UInt8) -> Key? {
        // Private markers (`<` of SGR mouse, `?`, `>`) and intermediates: reports, not keys.
        guard parameters.allSatisfy({ (0x30...0x3B).contains($0) }) else { return nil }
        let text = String(decoding: parameters, as: UTF8.self)
        let fields = text.split(separator: ";", omittingEmptySubsequences: false)
        switch final {
        case UInt8(ascii: "A"): return .up
        case UInt8(ascii: "B"): return .down
        case UInt8(ascii: "C"): return .right
        case UInt8(ascii: "D"): return .left
        case UInt8(ascii: "H"): return .home
        case UInt8(ascii: "F"): return .end
        case UInt8(ascii: "~"), UInt8(ascii: "$"), UInt8(ascii: "^"), UInt8(ascii: "@"):
            switch fields.first.flatMap({ Int($0) }) {
            case 1, 7: return .home
            case 4, 8: return .end
            case 5: return .pageUp
            case 6: return .pageDown
            default: return nil
            }
        default: return nil
        }
    }

    /// `ESC O final`: the cursor and keypad keys in application mode.
    static func ss3(final: UInt8) -> Key? {
        switch final {
        case UInt8(ascii: "A"): return .up
        case UInt8(ascii: "B"): return .down
        case UInt8(ascii: "C"): return .right
        case UInt8(ascii: "D"): return .left
        case UInt8(ascii: "H"): return .home
        case UInt8(ascii: "F"): return .end
        case UInt8(ascii: "M"): return .enter
        default: return nil
        }
    }
}
