#if canImport(Glibc)
import Glibc
#endif
import Foundation
@testable import LoopTopMetrics
import Testing

/// Issue 18, end to end: the real `looptop` binary, headless with `--metrics`,
/// scraped by a real Prometheus server that this test starts on a loopback
/// port with its data in a temporary directory.
@Suite(.serialized) struct PrometheusEndToEndTests {
    static let prometheus: String? = ["/usr/bin/prometheus", "/usr/local/bin/prometheus"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// The `looptop` built next to this test bundle.
    static let binary: String? = {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        let candidate = URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("looptop").path
        return FileManager.default.isExecutableFile(atPath: candidate) ? candidate : nil
    }()

    /// A port free right now on 127.0.0.1 (the OS picks it).
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// A child process with its output in files (read while it runs, never a full pipe).
    final class Child {
        let process = Process()
        let stdout: URL
        let stderr: URL

        init(_ path: String, _ arguments: [String], in directory: URL, name: String) throws {
            stdout = directory.appendingPathComponent("\(name).out")
            stderr = directory.appendingPathComponent("\(name).err")
            _ = FileManager.default.createFile(atPath: stdout.path, contents: nil)
            _ = FileManager.default.createFile(atPath: stderr.path, contents: nil)
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = arguments
            process.standardOutput = try FileHandle(forWritingTo: stdout)
            process.standardError = try FileHandle(forWritingTo: stderr)
            process.standardInput = FileHandle.nullDevice
            try process.run()
        }

        var errorText: String { (try? String(contentsOf: stderr, encoding: .utf8)) ?? "" }

        func stop() {
            if process.isRunning { kill(process.processIdentifier, SIGTERM) }
            let until = Date().addingTimeInterval(10)
            while process.isRunning, Date() < until { usleep(20_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
    }

    /// Polls `condition` until it gives a value, up to `seconds`.
    static func waitFor<T>(_ what: String, seconds: Double = 30, _ condition: () -> T?) throws -> T {
        let until = Date().addingTimeInterval(seconds)
        while Date() < until {
            if let value = condition() { return value }
            usleep(100_000)
        }
        throw Timeout(what: what)
    }

    struct Timeout: Error, CustomStringConvertible {
        var what: String
        var description: String { "timed out waiting for \(what)" }
    }

    /// The result vector of an instant query against Prometheus' HTTP API.
    static func query(_ port: Int, _ promql: String) -> [[String: Any]]? {
        let encoded = promql.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? promql
        guard let response = ScrapeClient.get(host: "127.0.0.1", port: port, path: "/api/v1/query?query=\(encoded)"),
              response.status == 200,
              let json = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
              let data = json["data"] as? [String: Any] else { return nil }
        return data["result"] as? [[String: Any]]
    }

    static func value(_ sample: [String: Any]) -> Double? {
        (sample["value"] as? [Any])?.last.flatMap { ($0 as? String).flatMap(Double.init) }
    }

    @Test(.enabled(if: PrometheusEndToEndTests.prometheus != nil && PrometheusEndToEndTests.binary != nil,
                   "needs the prometheus server (apt-get install prometheus) and a built looptop: skipped"))
    func aRealPrometheusScrapesAHeadlessRun() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("looptop-prom-\(getpid())-\(Int.random(in: 0..<1_000_000))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let looptop = try Child(Self.binary!, ["run", "--headless", "--metrics", "127.0.0.1:0", "--duration", "120",
                                               "--workers", "2", "--rate", "20", "--job-ms", "5", "--json", directory.appendingPathComponent("run.jsonl").path],
                                in: directory, name: "looptop")
        defer { looptop.stop() }
        // Its stderr names the port the OS gave it.
        let target = try Self.waitFor("looptop's metrics address on stderr") { () -> String? in
            guard let line = looptop.errorText.split(separator: "\n").first(where: { $0.contains("metrics at http://") }),
                  let url = line.split(separator: " ").last else { return nil }
            return String(url.dropFirst("http://".count).dropLast("/metrics".count))
        }

        let promPort = Self.freePort()
        let config = directory.appendingPathComponent("prometheus.yml")
        try """
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: looptop
                static_configs:
                  - targets: ['\(target)']
            """.write(to: config, atomically: true, encoding: .utf8)
        let prometheus = try Child(Self.prometheus!, [
            "--config.file=\(config.path)", "--storage.tsdb.path=\(directory.appendingPathComponent("data").path)",
            "--web.listen-address=127.0.0.1:\(promPort)",
        ], in: directory, name: "prometheus")
        defer { prometheus.stop() }

        let up = try Self.waitFor("up == 1 for the looptop target", seconds: 60) { () -> Double? in
            guard let result = Self.query(promPort, "up{job=\"looptop\"}"), let first = result.first,
                  let value = Self.value(first), value == 1 else { return nil }
            return value
        }
        #expect(up == 1)
        let completed = try Self.waitFor("looptop_jobs_total with completed jobs", seconds: 60) { () -> Double? in
            guard let result = Self.query(promPort, "looptop_jobs_total{outcome=\"completed\"}"), let first = result.first,
                  let value = Self.value(first), value > 0 else { return nil }
            return value
        }
        #expect(completed > 0)
        for series in ["looptop_loop_lag_seconds_bucket", "looptop_loop_utilization_ratio", "looptop_queue_depth",
                       "looptop_workers", "looptop_worker_busy_ratio", "looptop_requests_latency_seconds_count"] {
            // count(...) keeps the answer small: a histogram's buckets make a
            // response long enough for Prometheus to send it chunked.
            let count = try Self.waitFor(series, seconds: 30) { () -> Double? in
                guard let first = Self.query(promPort, "count(\(series))")?.first, let value = Self.value(first),
                      value > 0 else { return nil }
                return value
            }
            #expect(count > 0, "\(series)")
        }
        // Two live workers, each with its own series.
        let busy = Self.query(promPort, "looptop_worker_busy_ratio") ?? []
        #expect(busy.count == 2)
    }

    @Test(.enabled(if: PrometheusEndToEndTests.binary != nil, "needs a built looptop: skipped"))
    func aPortInUseIsOneLineAndExitTwo() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("looptop-port-\(getpid())-\(Int.random(in: 0..<1_000_000))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let box = SnapshotBox()
        let holder = try MetricsServer.start(at: MetricsAddress(host: "127.0.0.1", port: 0), box: box)
        defer { holder.stop() }
        for mode in [["run", "--headless", "--duration", "5"], ["run"]] {
            let child = try Child(Self.binary!, mode + ["--metrics", "127.0.0.1:\(holder.address.port)"], in: directory, name: "looptop")
            child.process.waitUntilExit()
            #expect(child.process.terminationStatus == 2)
            let lines = child.errorText.split(separator: "\n")
            #expect(lines == ["looptop: --metrics 127.0.0.1:\(holder.address.port): cannot listen: address already in use"], "\(mode)")
        }
    }
}
