import Testing
import LoopTopTUI

/// Issue 11 (point 8): under TERM=xterm-256color in tmux, Home and End each
/// halved the job size: the bytes of sequences curses did not know became keys.
struct KeyDecoderTests {
    static func codes(_ text: String) -> [Int32] { text.utf8.map { Int32($0) } }
    static let esc = "\u{1B}"

    /// Every usual form of the four keys, and the arrows, whatever the terminal sends.
    static let known: [(String, Key)] = [
        ("[1~", .home), ("[7~", .home), ("[H", .home), ("OH", .home),
        ("[4~", .end), ("[8~", .end), ("[F", .end), ("OF", .end),
        ("[5~", .pageUp), ("[6~", .pageDown),
        ("[A", .up), ("[B", .down), ("OA", .up), ("OB", .down), ("OM", .enter),
        // ← → move through time (rewind, replay): issue #13.
        ("[C", .right), ("[D", .left), ("OC", .right), ("OD", .left), ("[1;5C", .right),
        // With modifiers (Shift, Alt, Ctrl): the key itself.
        ("[1;5H", .home), ("[1;2F", .end), ("[5;5~", .pageUp), ("[6;3~", .pageDown), ("[1;5A", .up),
        // rxvt with Shift, Ctrl, both.
        ("[7$", .home), ("[8^", .end), ("[5@", .pageUp), ("[6$", .pageDown),
    ]

    /// Sequences that mean nothing here: each is dropped whole.
    static let unknown: [String] = [
        "[2~", "[3~", "[E", "OE", "[Z",
        "OP", "OQ", "OR", "OS", "[11~", "[12~", "[15~", "[17~", "[18~", "[19~", "[20~", "[21~", "[23~", "[24~",
        "[1;5P", "[15;2~", "[[A", "[[B", "[[E", "[<0;10;5M", "[<0;10;5m", "[I", "[O", "[?1;2c", "[>0;95;0c",
        // Bracketed paste marks, rxvt's Shift-Insert.
        "[200~", "[201~", "[2$", "O2P",
        // Alt and a key.
        "a", "q", "]", "b", "1", "~", "x",
    ]

    @Test(arguments: KeyDecoderTests.known.indices)
    func knownSequences(index: Int) {
        let (sequence, key) = Self.known[index]
        #expect(KeyDecoder.decode(Self.codes(Self.esc + sequence)) == [key], "ESC \(sequence)")
        // Followed by a key in the same read: both, in order.
        #expect(KeyDecoder.decode(Self.codes(Self.esc + sequence + "b")) == [key, .character("b")], "ESC \(sequence) b")
        // Back to back.
        #expect(KeyDecoder.decode(Self.codes(Self.esc + sequence + Self.esc + sequence)) == [key, key])
    }

    @Test(arguments: KeyDecoderTests.unknown)
    func unknownSequencesAreDroppedWhole(sequence: String) {
        #expect(KeyDecoder.decode(Self.codes(Self.esc + sequence)) == [], "ESC \(sequence)")
        #expect(KeyDecoder.decode(Self.codes(Self.esc + sequence + "]")) == [.character("]")], "ESC \(sequence) ]")
    }

    /// Every CSI and SS3 final byte: at most one key, never a character, and
    /// the next byte is read on its own.
    @Test func everyFinalByteGivesAtMostOneKeyAndNoCharacter() {
        for final in UInt8(0x40)...0x7E {
            for introducer in ["[", "O", "[1;5", "[5", "O5"] {
                let codes = Self.codes(Self.esc + introducer) + [Int32(final)] + Self.codes("+")
                let keys = KeyDecoder.decode(codes)
                let label = "ESC \(introducer) \(Character(Unicode.Scalar(final)))"
                if introducer == "[" && final == UInt8(ascii: "[") {
                    // ESC [ [ is the Linux console's F-key prefix; "+" cannot end it, so it is read itself.
                    #expect(keys == [.character("+")], "\(label)")
                    continue
                }
                #expect(keys.count <= 2 && keys.last == .character("+"), "\(label) gave \(keys)")
                #expect(!keys.dropLast().contains { if case .character = $0 { true } else { false } }, "\(label) gave \(keys)")
            }
        }
    }

    @Test func escapeAloneIsTheEscapeKey() {
        var decoder = KeyDecoder()
        #expect(decoder.feed(27) == [])
        #expect(decoder.flush() == [.escape])
        #expect(decoder.flush() == [])
        #expect(KeyDecoder.decode([27, 27]) == [.escape, .escape])
        // Esc then a key curses decoded itself, or Enter: both keys.
        #expect(KeyDecoder.decode([27, Key.CursesCode.down]) == [.escape, .down])
        #expect(KeyDecoder.decode([27, 13]) == [.escape, .enter])
        #expect(KeyDecoder.decode([27, 3]) == [.escape, .interrupt])
    }

    @Test func aSequenceCutShortIsDroppedAndTheNextReadStartsAfresh() {
        var decoder = KeyDecoder()
        for code in Self.codes(Self.esc + "[1") { #expect(decoder.feed(code) == []) }
        #expect(decoder.flush() == [])
        #expect(Self.codes("[").flatMap { decoder.feed($0) } == [.character("[")])
        // A code that cannot continue the sequence ends it and is read itself.
        #expect(KeyDecoder.decode(Self.codes(Self.esc + "[1") + [3]) == [.interrupt])
        #expect(KeyDecoder.decode(Self.codes(Self.esc + "[1") + [Key.CursesCode.up]) == [.up])
        #expect(KeyDecoder.decode(Self.codes(Self.esc + "[1" + Self.esc + "[H")) == [.home])
    }

    @Test func plainKeysPassThrough() {
        for byte in Int32(32)...126 {
            #expect(KeyDecoder.decode([byte]) == [.character(Character(Unicode.Scalar(UInt8(byte))))])
        }
        #expect(KeyDecoder.decode([13]) == [.enter])
        #expect(KeyDecoder.decode([10]) == [.enter])
        #expect(KeyDecoder.decode([3]) == [.interrupt])
    }

    @Test func cursesCodes() {
        let c = Key.CursesCode.self
        let expected: [(Int32, Key)] = [
            (c.home, .home), (c.keypadA1, .home), (c.find, .home), (c.shiftHome, .home),
            (c.end, .end), (c.keypadC1, .end), (c.select, .end), (c.shiftEnd, .end),
            (c.pageUp, .pageUp), (c.keypadA3, .pageUp), (c.shiftPageUp, .pageUp),
            (c.pageDown, .pageDown), (c.keypadC3, .pageDown), (c.shiftPageDown, .pageDown),
            (c.up, .up), (c.down, .down), (c.enter, .enter),
        ]
        for (code, key) in expected {
            #expect(KeyDecoder.decode([code]) == [key], "curses code \(code)")
        }
        // ← → move through time (rewind, replay): issue #13.
        #expect(KeyDecoder.decode([c.left]) == [.left])
        #expect(KeyDecoder.decode([c.right]) == [.right])
    }

    /// ncurses names keys with modifiers by their terminfo names.
    @Test func extendedCursesNames() {
        #expect(Key.curses(name: "kHOM5") == .home)
        #expect(Key.curses(name: "kEND3") == .end)
        #expect(Key.curses(name: "kPRV5") == .pageUp)
        #expect(Key.curses(name: "kNXT2") == .pageDown)
        #expect(Key.curses(name: "kUP5") == .up)
        #expect(Key.curses(name: "kDN7") == .down)
        #expect(Key.curses(name: "kLFT5") == nil)
        #expect(Key.curses(name: "kHOM") == nil)
        #expect(Key.curses(name: "kf1") == nil)
        #expect(Key.curses(name: "") == nil)
    }

    /// What the four keys do on the dashboard: move the selection, never the job size.
    @Test func homeAndEndNeverChangeTheJobSize() {
        let map = KeyMap()
        for (sequence, _) in Self.known {
            for key in KeyDecoder.decode(Self.codes(Self.esc + sequence)) {
                let action = map.action(for: key)
                #expect(action != .command(.scaleJobSize(by: 0.5)) && action != .back, "ESC \(sequence)")
            }
        }
        #expect(KeyDecoder.decode(Self.codes(Self.esc + "[1~")).map { map.action(for: $0) } == [.selectFirst])
        #expect(KeyDecoder.decode(Self.codes(Self.esc + "[4~")).map { map.action(for: $0) } == [.selectLast])
        #expect(KeyDecoder.decode(Self.codes(Self.esc + "[5~")).map { map.action(for: $0) } == [.page(-1)])
        #expect(KeyDecoder.decode(Self.codes(Self.esc + "[6~")).map { map.action(for: $0) } == [.page(1)])
    }
}
