import LoopTopEngine

/// What a piece of text means. The palette decides how each meaning looks, so
/// views never name a color.
public enum Role: Sendable, Hashable {
    case text
    /// Secondary text: labels, units, times.
    case dim
    /// Panel titles and the program's name.
    case title
    case border
    /// Column headings of a table.
    case header
    case ok
    case warn
    case critical
    /// The selection marker and the selected row's emphasis.
    case selection
    /// Keys named in the footer and the help.
    case key
    /// Graph ink that carries no judgement (activity, depth).
    case graph
    case workerState(WorkerState)
    /// A job's fate in the worker detail.
    case jobOutcome(JobOutcome)
    /// A step of a graph's gradient, 0 (low, calm) to ``Gradient/top`` (high, alarming).
    case gradient(Gradient, UInt8)
}

/// The graphs whose ink runs through a theme's gradient.
public enum Gradient: String, Sendable, Hashable, CaseIterable {
    /// The event loop's lag: calm under 10 ms, alarming past 50 ms.
    case lag
    /// The queue's depth against its capacity.
    case queue
    /// A worker's share of time busy.
    case activity

    /// The highest step: a gradient has `top + 1` of them.
    public static let top: UInt8 = 7
}

/// Attributes added on top of a role's look.
public struct Attributes: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let bold = Attributes(rawValue: 1 << 0)
    public static let dim = Attributes(rawValue: 1 << 1)
    public static let reverse = Attributes(rawValue: 1 << 2)
    public static let underline = Attributes(rawValue: 1 << 3)
    /// The selected row's background (reverse video where there is no color).
    public static let highlight = Attributes(rawValue: 1 << 4)
}

/// A role plus attributes: everything a cell says about how it should look.
public struct Style: Sendable, Hashable, CustomStringConvertible {
    public var role: Role
    public var attributes: Attributes

    public init(_ role: Role, _ attributes: Attributes = []) {
        self.role = role
        self.attributes = attributes
    }

    public func adding(_ more: Attributes) -> Style { Style(role, attributes.union(more)) }

    public static let text = Style(.text)
    public static let dim = Style(.dim)
    public static let title = Style(.title, .bold)
    public static let border = Style(.border)
    public static let header = Style(.header, .bold)
    public static let ok = Style(.ok)
    public static let warn = Style(.warn)
    public static let critical = Style(.critical, .bold)
    public static let selection = Style(.selection, .bold)
    public static let key = Style(.key, .bold)
    public static let graph = Style(.graph)

    public static func state(_ state: WorkerState) -> Style { Style(.workerState(state)) }
    public static func outcome(_ outcome: JobOutcome) -> Style { Style(.jobOutcome(outcome)) }

    public var description: String {
        var parts = ["\(role)"]
        if attributes.contains(.bold) { parts.append("bold") }
        if attributes.contains(.dim) { parts.append("dim") }
        if attributes.contains(.reverse) { parts.append("reverse") }
        if attributes.contains(.underline) { parts.append("underline") }
        if attributes.contains(.highlight) { parts.append("highlight") }
        return parts.joined(separator: "+")
    }
}
