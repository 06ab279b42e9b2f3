import LoopTopEngine

/// What serving `--metrics` costs, measured on a running engine: each round
/// publishes a fresh snapshot (as a dashboard frame does) and scrapes it over
/// loopback, reading the exporter thread's own CPU clock around the scrape.
public enum MetricsCost {
    public struct Reading: Sendable {
        /// Median wall time of one scrape, connect to last byte, ms.
        public var scrapeWallMs: Double
        /// Median CPU time of the exporter's thread per scrape (fold the snapshot in, encode, write), ms.
        public var scrapeCPUMs: Double
        /// Median CPU time of publishing a snapshot into the box (what the UI thread pays), µs.
        public var publishMicros: Double
        /// Size of one exposition, bytes, and its sample lines.
        public var bytes: Int
        public var samples: Int
        public var scrapes: Int
    }

    /// `engine` must have been made with `keepsDistributions`, so the histograms are there.
    public static func measure(engine: Engine, scrapes: Int = 30, pauseMs: Int = 100) throws(MetricsServerError) -> Reading {
        let box = SnapshotBox()
        let server = try MetricsServer.start(at: MetricsAddress(host: "127.0.0.1", port: 0), box: box)
        defer { server.stop() }
        var wall: [Double] = [], cpu: [Double] = [], publish: [Double] = []
        var bytes = 0, samples = 0
        for _ in 0..<scrapes {
            let snapshot = engine.snapshot()
            let before = MonotonicTime.threadCPU()
            box.publish(snapshot)
            publish.append(Double(MonotonicTime.threadCPU() &- before) / 1000)
            let cpuBefore = server.threadCPUNanos()
            let start = MonotonicTime.now()
            guard let response = ScrapeClient.get(host: "127.0.0.1", port: server.address.port), response.status == 200 else { continue }
            wall.append(Double(MonotonicTime.now() - start) / 1e6)
            cpu.append(Double(server.threadCPUNanos() &- cpuBefore) / 1e6)
            bytes = response.body.count
            samples = response.text.split(separator: "\n").count { !$0.hasPrefix("#") }
            MonotonicTime.sleep(ms: pauseMs)
        }
        func median(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.sorted()[values.count / 2] }
        return Reading(scrapeWallMs: median(wall), scrapeCPUMs: median(cpu), publishMicros: median(publish),
                       bytes: bytes, samples: samples, scrapes: wall.count)
    }
}
