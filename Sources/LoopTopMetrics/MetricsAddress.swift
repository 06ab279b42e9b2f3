/// Where `--metrics` listens: a host (a name, an IPv4 address, or an IPv6
/// address in brackets) and a port, bound exactly as given.
public struct MetricsAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    /// 0 asks the OS for a free port; the server reports the one it got.
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT` (`127.0.0.1:9464`, `localhost:9464`, `[::1]:9464`).
    /// A missing host is an error rather than "every interface": looptop
    /// listens only where it was told.
    public init(parsing text: String) throws(MetricsAddressError) {
        let host: Substring
        let port: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                throw MetricsAddressError(text: text, problem: "an IPv6 address needs its port after the bracket, e.g. [::1]:9464")
            }
            host = text[text.index(after: text.startIndex)..<close]
            port = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else {
                throw MetricsAddressError(text: text, problem: "expected HOST:PORT, e.g. 127.0.0.1:9464")
            }
            host = text[..<colon]
            port = text[text.index(after: colon)...]
            if host.contains(":") {
                throw MetricsAddressError(text: text, problem: "write an IPv6 address in brackets, e.g. [::1]:9464")
            }
        }
        guard !host.isEmpty else {
            throw MetricsAddressError(text: text, problem: "a host is needed (looptop listens only where it is told), e.g. 127.0.0.1:9464")
        }
        guard host.allSatisfy({ $0.isLetter || $0.isNumber || ".-_:%".contains($0) }) else {
            throw MetricsAddressError(text: text, problem: "'\(host)' is not a host name or address")
        }
        guard let number = Int(port), (0...65535).contains(number) else {
            throw MetricsAddressError(text: text, problem: "the port must be a number from 0 to 65535, got '\(port)'")
        }
        self.host = String(host)
        self.port = number
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// A `--metrics` value that is not `HOST:PORT`; its description is the one line to print.
public struct MetricsAddressError: Error, Equatable, CustomStringConvertible {
    public var text: String
    public var problem: String
    public var description: String { "--metrics '\(text)': \(problem)" }
}
