@testable import LoopTopTUI
import Testing

/// Issue #14: the screens draw printable ASCII a byte a cell and borders and
/// sparklines a scalar a cell; what they draw must be what the walk by
/// Characters draws, cut at either edge, for every kind of text.
struct ScreenPathTests {
    /// What a row shows after `text` is put at `col` of a `cols`-wide
    /// canvas, worked out a Character at a time.
    static func expected(_ text: String, col: Int, cols: Int) -> String {
        // nil: the right half of the wide character before.
        var cells: [Character?] = Array(repeating: " ", count: cols)
        var c = col
        for ch in TextWidth.sanitized(text) {
            let w = TextWidth.width(of: ch)
            if c >= cols { break }
            if c >= 0 {
                if c + w > cols { break }
                cells[c] = ch
                if w == 2 { cells[c + 1] = nil }
            } else if c + w > 0 {
                cells[0] = " "  // the right half of a wide character cut at the left edge
            }
            c += w
        }
        return String(cells.compactMap { $0 })
    }

    @Test func fastPathsDrawWhatTheWalkByCharactersDraws() {
        let texts = ["plain ascii 123 %", "┌ Workers ───────┐", "▁▂▃▄▅▆▇█ ▁▂", "↑3 ↓2 … −12.3 s · é ñ",
                     "⠁⠂⠄ braille", "wide 日本 and emoji 🙂 here", "e\u{301} combining", "tab\there", ""]
        let cols = 12
        for text in texts {
            for col in [-3, -1, 0, 2, cols - 3, cols + 1] {
                let screen = MemoryScreen(rows: 1, cols: cols)
                Canvas(screen: screen).put(text, row: 0, col: col, style: .text)
                let shown = String(screen.rows[0])
                #expect(TextWidth.width(of: shown) == cols, "\(text) at \(col): \(shown)")
                #expect(shown == Self.expected(text, col: col, cols: cols), "\(text) at \(col)")
            }
        }
    }

    @Test func simpleNarrowTextIsOnlyWhatCannotCombineOrWiden() {
        #expect(TextWidth.isSimpleNarrow("┌─┐ ▁▂▃ ↑↓ … − abc"))
        #expect(!TextWidth.isSimpleNarrow("e\u{301}"))       // a combining mark
        #expect(!TextWidth.isSimpleNarrow("☕"))              // emoji presentation: two cells
        #expect(!TextWidth.isSimpleNarrow("日"))
        #expect(!TextWidth.isSimpleNarrow("a\u{200D}b"))     // a joiner
        #expect(!TextWidth.isSimpleNarrow("a\nb"))
    }
}
