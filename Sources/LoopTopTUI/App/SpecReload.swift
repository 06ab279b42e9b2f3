import LoopTopEngine

/// Reading the spec file again (`L`): all or nothing. A spec that loads is
/// applied whole; one that does not changes nothing, and its one-line
/// message (`load.toml:7: …`) is what the dashboard shows.
public enum SpecReload {
    /// Loads `path` with `load` and, if that works, hands the spec to
    /// `apply` (the engine's `apply(_:)`); returns the notice to show.
    public static func run(path: String?, load: (String) throws -> WorkloadSpec = { try WorkloadSpec.load(path: $0) },
                           apply: (WorkloadSpec) -> String) -> Notice {
        guard let path else {
            return Notice("no spec file to reload: start with --spec FILE", severity: .warn)
        }
        let spec: WorkloadSpec
        do {
            spec = try load(path)
        } catch let error as ConfigError {
            return Notice("reload failed, old spec kept: \(error.description)", severity: .critical)
        } catch {
            return Notice("reload failed, old spec kept: \(path): \(error)", severity: .critical)
        }
        return Notice("reloaded " + apply(spec))
    }
}
