/// The characters the widgets draw with: Unicode blocks and arrows where the
/// locale speaks UTF-8, plain ASCII where it does not.
///
/// Box lines are Unicode box-drawing characters in both sets; a curses screen
/// in a non-UTF-8 locale draws them with the terminal's line-drawing set
/// (ACS), which every terminal has.
public struct Glyphs: Sendable, Equatable {
    /// Sparkline levels, lowest first (eight of them).
    public var spark: [Character]
    /// Gauge ink: full cell, then partial cells from 1/8 to 7/8 (may be empty).
    public var gaugeFull: Character
    public var gaugePartial: [Character]
    public var gaugeEmpty: Character
    public var horizontal: Character = "─"
    public var vertical: Character = "│"
    public var topLeft: Character = "┌"
    public var topRight: Character = "┐"
    public var bottomLeft: Character = "└"
    public var bottomRight: Character = "┘"
    public var ellipsis: Character
    /// "No value" in a table cell.
    public var none: String
    public var up: String
    public var down: String
    public var enter: String
    public var lessOrEqual: String
    public var warning: String
    public var separator: String
    /// ← →, for the time keys (rewind, replay).
    public var left: String { self == .ascii ? "Left" : "\u{2190}" }
    public var right: String { self == .ascii ? "Right" : "\u{2192}" }

    public static let unicode = Glyphs(
        spark: ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"],
        gaugeFull: "█", gaugePartial: ["▏", "▎", "▍", "▌", "▋", "▊", "▉"], gaugeEmpty: "·",
        ellipsis: "…", none: "—", up: "↑", down: "↓", enter: "↵", lessOrEqual: "≤",
        warning: "▲", separator: "·")

    public static let ascii = Glyphs(
        spark: ["_", ".", "-", "~", "=", "+", "*", "#"],
        gaugeFull: "#", gaugePartial: [], gaugeEmpty: ".",
        ellipsis: "~", none: "-", up: "Up", down: "Dn", enter: "Enter", lessOrEqual: "<=",
        warning: "!", separator: "|")

    /// The line-drawing characters, which a non-UTF-8 curses screen maps to ACS.
    public static let boxCharacters: Set<Character> = ["─", "│", "┌", "┐", "└", "┘", "├", "┤", "┬", "┴", "┼"]
}
