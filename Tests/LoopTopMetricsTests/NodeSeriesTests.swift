import Foundation
import LoopTopEngine
@testable import LoopTopMetrics
import Testing

/// Issue 18 for `looptop node --metrics`: the app's figures, not the engine's zeros.
@Suite struct NodeSeriesTests {
    static func snapshot(at: Double, gcCount: Int, workers: String) throws -> Snapshot {
        let json = """
        {"pid": 4242, "nodeVersion": "v20.20.2", "script": "app.js", "uptime": 3, "connected": true,
         "blameReady": true, "lagRecentMaxMs": 162, "stallInProgressMs": 0, "stallInProgressFrames": [],
         "last": {"at": \(at), "seconds": 1, "lag": {"p50": 1.5, "p99": 12, "max": 162}, "utilization": 0.25,
                  "heapUsedBytes": 5000000, "gcCount": \(gcCount), "gcMs": 4, "gcMaxMs": 3},
         "workers": \(workers), "stalls": [], "stallsTotal": 2, "gcCountTotal": \(gcCount), "gcMsTotal": \(gcCount * 2), "topBlockers": [], "events": [], "log": [],
         "droppedLines": 0}
        """
        var s = Snapshot()
        s.node = try JSONDecoder().decode(NodeSnapshot.self, from: Data(json.utf8))
        return s
    }

    @Test func aNodeAppExportsItsLoopAndWorkers() throws {
        let metrics = SnapshotMetrics(workerCap: 1)
        let workers = #"[{"id": 1, "state": "online", "utilization": 0.9}, {"id": 2, "state": "online", "utilization": 0.4}, {"id": 3, "state": "exited", "exitCode": 0}]"#
        metrics.update(from: try Self.snapshot(at: 1, gcCount: 2, workers: workers))
        // The totals go up from one snapshot to the next.
        metrics.update(from: try Self.snapshot(at: 2, gcCount: 5, workers: workers))
        let e = try SnapshotMetricsTests.exposition(metrics)
        for sample in e.samples {
            let family = e.family(of: sample.name)
            #expect(e.type[family] != nil, "no TYPE for \(family)")
            #expect(!(e.help[family] ?? "").isEmpty, "no HELP for \(family)")
        }
        #expect(e.value("looptop_node_loop_delay_p99_seconds") == 0.012)
        #expect(e.value("looptop_node_loop_delay_max_seconds") == 0.162)
        #expect(e.value("looptop_node_loop_utilization_ratio") == 0.25)
        #expect(e.value("looptop_node_heap_used_bytes") == 5_000_000)
        #expect(e.value("looptop_node_gc_total") == 5)
        #expect(e.value("looptop_node_gc_pause_seconds_total") == 0.01)
        #expect(e.value("looptop_node_stalls_total") == 2)
        #expect(e.value("looptop_node_workers", ["state": "online"]) == 2)
        #expect(e.value("looptop_node_workers", ["state": "exited"]) == 1)
        // The cap keeps the lowest thread id and counts the other live one.
        #expect(e.value("looptop_node_worker_utilization_ratio", ["worker": "1"]) == 0.9)
        #expect(e.value("looptop_node_worker_utilization_ratio", ["worker": "2"]) == nil)
        #expect(e.value("looptop_node_worker_series_dropped") == 1)
        #expect(e.value("looptop_node_info", ["pid": "4242", "version": "v20.20.2", "script": "app.js"]) == 1)
        #expect(e.type["looptop_jobs_total"] == nil, "a Node app has no looptop jobs")
        if let result = try Promtool.check(metrics.exposition()) {
            #expect(result.status == 0, "promtool check metrics: \(result.output)")
        }
    }
}
