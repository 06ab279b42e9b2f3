#if canImport(Glibc)
import Glibc
#endif
import Foundation
import LoopTopEngine
@testable import LoopTopMetrics
import NIOCore
import Testing

/// Issue 18: the `--metrics` server answers scrapes, and no client, however
/// slow or hostile, stalls the other scrapes or whoever publishes snapshots.
@Suite struct MetricsServerTests {
    static func serve(_ limits: MetricsServer.Limits = MetricsServer.Limits()) throws -> (MetricsServer, SnapshotBox) {
        let box = SnapshotBox()
        let server = try MetricsServer.start(at: MetricsAddress(host: "127.0.0.1", port: 0), box: box, limits: limits)
        return (server, box)
    }

    static func scrape(_ server: MetricsServer, _ path: String = "/metrics") -> ScrapeClient.Response? {
        ScrapeClient.get(host: "127.0.0.1", port: server.address.port, path: path, timeoutMs: 10_000)
    }

    @Test func servesTheNewestSnapshotAndA404Elsewhere() throws {
        let (server, box) = try Self.serve()
        defer { server.stop() }
        #expect(server.address.port != 0)
        #expect(Self.scrape(server)?.status == 503)  // nothing published yet
        var s = SnapshotMetricsTests.snapshot()
        box.publish(s)
        let first = try #require(Self.scrape(server))
        #expect(first.status == 200)
        #expect(first.header("Content-Type") == ScrapeHandler.contentType)
        #expect(try Exposition(first.text).value("looptop_jobs_total", ["outcome": "completed"]) == 80)
        s.jobs.completed = 90
        s.jobs.submitted = 110
        box.publish(s)
        let second = try #require(Self.scrape(server))
        #expect(try Exposition(second.text).value("looptop_jobs_total", ["outcome": "completed"]) == 90)
        #expect(try Exposition(second.text).value("looptop_snapshot_age_seconds").map { $0 >= 0 } == true)
        for path in ["/", "/metricsx", "/favicon.ico", "/metrics/../etc"] {
            #expect(Self.scrape(server, path)?.status == 404, "\(path)")
        }
        #expect(Self.scrape(server, "/metrics?x=1")?.status == 200)
    }

    @Test func aPortInUseIsOneLineNamingTheAddress() throws {
        let (server, _) = try Self.serve()
        defer { server.stop() }
        let error = #expect(throws: MetricsServerError.self) {
            _ = try MetricsServer.start(at: server.address, box: SnapshotBox())
        }
        #expect(error?.description == "--metrics 127.0.0.1:\(server.address.port): cannot listen: address already in use")
    }

    @Test func anAddressNotOfThisMachineCannotBeBound() throws {
        #expect(throws: MetricsServerError.self) {
            _ = try MetricsServer.start(at: MetricsAddress(host: "192.0.2.1", port: 9464), box: SnapshotBox())
        }
    }

    /// Clients that connect and never read, send garbage, or send a huge request
    /// do not stop another client's scrape, nor the publisher.
    @Test func stuckAndHostileClientsDoNotStallOtherScrapes() throws {
        var limits = MetricsServer.Limits()
        limits.requestTimeout = .seconds(2)
        let (server, box) = try Self.serve(limits)
        defer { server.stop() }
        box.publish(SnapshotMetricsTests.snapshot())
        let port = server.address.port

        // Never reads: pipelines many scrapes and leaves the answers unread.
        let silent = try #require(ScrapeClient.connect(host: "127.0.0.1", port: port))
        defer { close(silent) }
        let many = String(repeating: "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", count: 200)
        ScrapeClient.send(silent, Array(many.utf8), timeoutMs: 1_000)
        // Connects and says nothing.
        let idle = try #require(ScrapeClient.connect(host: "127.0.0.1", port: port))
        defer { close(idle) }
        // Garbage.
        let garbage = try #require(ScrapeClient.connect(host: "127.0.0.1", port: port))
        defer { close(garbage) }
        ScrapeClient.send(garbage, (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919) })
        // A huge request line and header, then a huge body.
        let huge = try #require(ScrapeClient.connect(host: "127.0.0.1", port: port))
        defer { close(huge) }
        ScrapeClient.send(huge, Array(("GET /" + String(repeating: "a", count: 1 << 20) + " HTTP/1.1\r\n").utf8), timeoutMs: 1_000)
        let body = try #require(ScrapeClient.connect(host: "127.0.0.1", port: port))
        defer { close(body) }
        ScrapeClient.send(body, Array("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n".utf8))
        ScrapeClient.send(body, [UInt8](repeating: 65, count: 100_000), timeoutMs: 1_000)

        // Meanwhile publishing goes on and other scrapes are answered.
        for round in 0..<20 {
            var s = SnapshotMetricsTests.snapshot()
            s.jobs.submitted += UInt64(round)
            s.jobs.completed += UInt64(round)
            box.publish(s)
            let response = try #require(Self.scrape(server), "scrape \(round) got no answer")
            #expect(response.status == 200)
            #expect(try Exposition(response.text).value("looptop_jobs_total", ["outcome": "completed"]) == Double(80 + round))
        }

        // The hostile ones got an error answer and were closed; the idle and the
        // silent ones are closed once their time runs out.
        // (The kernel may turn the close into a reset, losing the 400 in flight: only a close is certain.)
        let garbageReply = ScrapeClient.receive(garbage, timeoutMs: 10_000)
        #expect(garbageReply.closed)
        #expect(garbageReply.bytes.isEmpty || String(decoding: garbageReply.bytes, as: UTF8.self).hasPrefix("HTTP/1.1 400"))
        let hugeReply = ScrapeClient.receive(huge, timeoutMs: 10_000)
        #expect(hugeReply.closed)
        #expect(hugeReply.bytes.isEmpty || String(decoding: hugeReply.bytes, as: UTF8.self).hasPrefix("HTTP/1.1 4"))
        #expect(ScrapeClient.receive(body, timeoutMs: 10_000).closed)
        #expect(ScrapeClient.receive(idle, timeoutMs: 10_000).closed)
        // The silent client's unread answers drain now; then it is closed too.
        #expect(ScrapeClient.receive(silent, timeoutMs: 10_000).closed)
        #expect(Self.scrape(server)?.status == 200)
    }

    @Test func connectionsBeyondTheLimitAreClosedAndTheOthersServed() throws {
        var limits = MetricsServer.Limits()
        limits.connections = 4
        let (server, box) = try Self.serve(limits)
        defer { server.stop() }
        box.publish(SnapshotMetricsTests.snapshot())
        let held = (0..<4).compactMap { _ in ScrapeClient.connect(host: "127.0.0.1", port: server.address.port) }
        defer { held.forEach { close($0) } }
        #expect(held.count == 4)
        // Wait (bounded) until the server has them all open.
        let until = Date().addingTimeInterval(10)
        while server.openConnections < 4, Date() < until { usleep(10_000) }
        #expect(server.openConnections == 4)
        let extra = try #require(ScrapeClient.connect(host: "127.0.0.1", port: server.address.port))
        defer { close(extra) }
        #expect(ScrapeClient.receive(extra, timeoutMs: 10_000).closed)
        held.forEach { shutdown($0, Int32(SHUT_RDWR)) }
        let free = Date().addingTimeInterval(10)
        while server.openConnections > 0, Date() < free { usleep(10_000) }
        #expect(Self.scrape(server)?.status == 200)
    }

    @Test func addressesParseOrSayWhatIsExpected() throws {
        #expect(try MetricsAddress(parsing: "127.0.0.1:9464") == MetricsAddress(host: "127.0.0.1", port: 9464))
        #expect(try MetricsAddress(parsing: "localhost:0") == MetricsAddress(host: "localhost", port: 0))
        #expect(try MetricsAddress(parsing: "[::1]:9464") == MetricsAddress(host: "::1", port: 9464))
        #expect(try MetricsAddress(parsing: "[::1]:9464").description == "[::1]:9464")
        for bad in ["9464", ":9464", "127.0.0.1:", "127.0.0.1:99999", "127.0.0.1:http", "::1:9464", "[::1]9464", "a b:1", ""] {
            #expect(throws: MetricsAddressError.self, "\(bad)") { _ = try MetricsAddress(parsing: bad) }
        }
    }
}
