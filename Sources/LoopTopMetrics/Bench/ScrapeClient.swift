#if canImport(Glibc)
import Glibc
#endif

/// A blocking HTTP/1.1 GET over a plain socket, as a scraper makes it: for the
/// bench and the tests, which need to time and poke the server from outside
/// its event loop. IPv4 and IPv6 literals or names; one request per connection.
public enum ScrapeClient {
    public struct Response: Sendable {
        public var status: Int
        public var headers: [(name: String, value: String)]
        public var body: [UInt8]
        public var text: String { String(decoding: body, as: UTF8.self) }
        public func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
    }

    /// Connects to `host:port` (nil if it cannot within the timeout), with the socket non-blocking.
    public static func connect(host: String, port: Int, timeoutMs: Int32 = 5_000) -> Int32? {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else { return nil }
        defer { freeaddrinfo(list) }
        let fd = socket(first.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { return nil }
        if Glibc.connect(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) != 0 {
            guard errno == EINPROGRESS, wait(fd, for: Int16(POLLOUT), timeoutMs: timeoutMs) else { close(fd); return nil }
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
            guard error == 0 else { close(fd); return nil }
        }
        return fd
    }

    /// Sends all of `bytes` (false on error or timeout).
    @discardableResult
    public static func send(_ fd: Int32, _ bytes: [UInt8], timeoutMs: Int32 = 5_000) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n > 0 { offset += n; continue }
            guard n < 0, errno == EAGAIN || errno == EINTR, wait(fd, for: Int16(POLLOUT), timeoutMs: timeoutMs) else { return false }
        }
        return true
    }

    /// Reads until the peer closes, `enough` says it has it all, or the timeout passes.
    public static func receive(_ fd: Int32, timeoutMs: Int32 = 5_000, enough: ([UInt8]) -> Bool = { _ in false }) -> (bytes: [UInt8], closed: Bool) {
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                data += chunk[0..<n]
                if enough(data) { return (data, false) }
                continue
            }
            if n == 0 { return (data, true) }
            if errno == EINTR { continue }
            guard errno == EAGAIN, wait(fd, for: Int16(POLLIN), timeoutMs: timeoutMs) else {
                return (data, errno == ECONNRESET)
            }
        }
    }

    /// `GET path` on a fresh connection; nil if there was no whole answer in time.
    public static func get(host: String, port: Int, path: String = "/metrics", timeoutMs: Int32 = 10_000) -> Response? {
        guard let fd = connect(host: host, port: port, timeoutMs: timeoutMs) else { return nil }
        defer { close(fd) }
        let request = "GET \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nUser-Agent: looptop-bench\r\nAccept: text/plain\r\n\r\n"
        guard send(fd, Array(request.utf8), timeoutMs: timeoutMs) else { return nil }
        let reply = receive(fd, timeoutMs: timeoutMs) { parse($0)?.complete ?? false }
        return parse(reply.bytes).flatMap { $0.complete ? $0.response : nil }
    }

    /// Parses one response; complete once Content-Length bytes of body are there.
    public static func parse(_ data: [UInt8]) -> (response: Response, complete: Bool)? {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard data.count >= 4, let end = (0...(data.count - 4)).first(where: { data[$0..<$0 + 4].elementsEqual(separator) }) else { return nil }
        let head = String(decoding: data[0..<end], as: UTF8.self).split(separator: "\r\n", omittingEmptySubsequences: false)
        guard let statusLine = head.first, statusLine.hasPrefix("HTTP/1."),
              let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "") else { return nil }
        var headers: [(name: String, value: String)] = []
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingSpaces()))
        }
        let body = Array(data[(end + 4)...])
        let response = Response(status: status, headers: headers, body: body)
        let length = response.header("Content-Length").flatMap { Int($0) } ?? 0
        return (Response(status: status, headers: headers, body: Array(body.prefix(length))), body.count >= length)
    }

    static func wait(_ fd: Int32, for events: Int16, timeoutMs: Int32) -> Bool {
        var poller = pollfd(fd: fd, events: events, revents: 0)
        return poll(&poller, 1, timeoutMs) > 0
    }
}

extension Substring {
    func trimmingSpaces() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
