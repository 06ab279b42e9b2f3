/// Where the dashboard draws: a grid of cells, each a character and a style.
///
/// Text that falls outside the screen is clipped, never wrapped. Drawing goes
/// to a virtual screen; nothing reaches the terminal until ``present()``, so a
/// frame appears whole (no flicker).
public protocol Screen: AnyObject {
    var size: Size { get }
    /// Writes `text` from (`row`, `col`) on, clipped to the screen.
    func put(_ text: String, row: Int, col: Int, style: Style)
    /// Blanks every cell.
    func clear()
    /// Shows what was drawn since the last call.
    func present()
}
