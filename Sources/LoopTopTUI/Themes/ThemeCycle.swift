import LoopTopEngine

/// The `t` key: the next theme after the one shown, in the order
/// ``ThemeLoader/available(environment:currentDirectory:)`` lists them.
enum ThemeCycle {
    /// The theme to switch to and the notice saying so; or the current
    /// theme kept and a notice naming the broken file (a theme that does not
    /// load is never half-applied). Nil when there is no other theme.
    static func next(after current: Theme, available: [(name: String, path: String?)] = ThemeLoader.available(),
                     load: (String) throws -> Theme = { try ThemeLoader.load(path: $0) }) -> (Theme, Notice)? {
        guard available.count > 1 else { return nil }
        let index = available.firstIndex { $0.name == current.name } ?? -1
        let entry = available[(index + 1) % available.count]
        guard let path = entry.path else {
            return (.default, Notice("theme \(entry.name)  (t: next theme)"))
        }
        do {
            let theme = try load(path)
            return (theme, Notice("theme \(theme.name)  (t: next theme)"))
        } catch {
            // Keep the colors shown, but move on: the next `t` tries the theme after it.
            var skipped = current
            skipped.name = entry.name
            return (skipped, Notice("theme \(entry.name) not loaded: \(error)", severity: .critical))
        }
    }
}
