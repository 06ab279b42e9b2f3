import Foundation
import LoopTopEngine
import LoopTopNodeInspector

/// What watching a Node app costs it (`looptop bench --only node`).
enum NodeBench {
    /// Fixed CPU-bound work in 2 ms slices (so the loop never stalls), then
    /// the process's own CPU time (`process.cpuUsage()`: every thread of node),
    /// and what of it was spent before the app's first line (node's start and
    /// the probe's, which --require runs first).
    static let workApp = """
        const startCpu = process.cpuUsage();
        const { createHash } = require('crypto');
        let left = Number(process.argv[2] || 4000);
        let acc = 0;
        function slice() {
          const end = performance.now() + 2;
          while (performance.now() < end && left > 0) {
            let x = 0;
            for (let i = 0; i < 20000; i++) x = (x * 31 + i) % 1000003;
            acc += x; left--;
          }
          if (left > 0) setImmediate(slice);
          else { const u = process.cpuUsage(); console.log(JSON.stringify({ cpu_us: u.user + u.system, start_us: startCpu.user + startCpu.system, acc })); }
        }
        slice();

        """

    /// Stalls 300 ms, several times, measuring the longest gap between two
    /// readings of the clock inside the stall: what a pause from outside held the app for.
    static let stallApp = """
        let n = 0; const gaps = [];
        function blockedWork() {
          const end = performance.now() + 300;
          let last = performance.now(), gap = 0;
          while (last < end) { const now = performance.now(); if (now - last > gap) gap = now - last; last = now; }
          gaps.push(gap);
        }
        const t = setInterval(() => {
          blockedWork();
          if (++n === Number(process.argv[2] || 6)) { clearInterval(t); console.log(JSON.stringify({ gaps })); }
        }, 200);

        """

    struct Cost {
        /// With the probe, blame on (as `looptop node` runs) / plain node, per round.
        var ratios: [Double]
        /// With the probe, `--no-blame` / plain node, in the same rounds: what
        /// blame adds is the difference, measured side by side, not across runs.
        var noBlameRatios: [Double]
        var withProbeCPUms: [Double]
        var noBlameCPUms: [Double]
        var withoutProbeCPUms: [Double]
        /// CPU after the app's first line, blame on / plain: the running cost alone.
        var workRatios: [Double] = []
        /// CPU before the app's first line, blame on minus plain (ms): the probe's start.
        var startupAddedMs: [Double] = []
        /// Blame-on runs in which looptop saw a stall (the machine descheduled
        /// the app for the threshold): it paused the app, so it enabled the
        /// debugger, which costs the app about 30-40 ms of main-thread CPU once.
        var stalledRuns = 0
    }

    static func cpuCost(pairs: Int, units: Int) -> Cost? {
        guard let dir = try? writeApp("work.js", workApp) else { return nil }
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var cost = Cost(ratios: [], noBlameRatios: [], withProbeCPUms: [], noBlameCPUms: [], withoutProbeCPUms: [])
        enum Arm: CaseIterable { case blame, noBlame, plain }
        for round in 0..<pairs {
            // Interleaved, and the order turns each round, so drift in the machine's load touches all three alike.
            var with: CPU?, noBlame: CPU?, without: CPU?
            var stalled = false
            let arms = Arm.allCases
            for index in 0..<arms.count {
                switch arms[(index + round) % arms.count] {
                case .blame:
                    with = runWithProbe(dir + "/work.js", arguments: ["\(units)"], onEnd: { stalled = !$0.allStalls().isEmpty }).flatMap(cpuMs)
                case .noBlame:
                    noBlame = runWithProbe(dir + "/work.js", arguments: ["\(units)"], blame: false).flatMap(cpuMs)
                case .plain:
                    without = runPlain(dir + "/work.js", arguments: ["\(units)"]).flatMap(cpuMs)
                }
            }
            guard let with, let noBlame, let without, without.total > 0, without.total > without.start else { continue }
            cost.withProbeCPUms.append(with.total)
            cost.noBlameCPUms.append(noBlame.total)
            cost.withoutProbeCPUms.append(without.total)
            cost.ratios.append(with.total / without.total)
            cost.noBlameRatios.append(noBlame.total / without.total)
            cost.workRatios.append((with.total - with.start) / (without.total - without.start))
            cost.startupAddedMs.append(with.start - without.start)
            if stalled { cost.stalledRuns += 1 }
        }
        return cost.ratios.isEmpty ? nil : cost
    }

    struct PauseCost {
        /// Longest gap the app saw inside each blamed stall (ms): the pause's hold plus noise.
        var heldMs: [Double]
        /// Same app, same stalls, blame off: the noise alone.
        var baselineMs: [Double]
        /// From Debugger.pause sent to Debugger.paused received.
        var latencyMs: [Double]
        var blamed: Int
        var stalls: Int
    }

    static func pauseCost(stalls: Int) -> PauseCost? {
        guard let dir = try? writeApp("stall.js", stallApp) else { return nil }
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var latencies: [Double] = []
        var blamed = 0, seen = 0
        guard let withBlame = runWithProbe(dir + "/stall.js", arguments: ["\(stalls)"], onEnd: { app in
            latencies = app.pauseLatencies()
            let all = app.allStalls()
            seen = all.count
            blamed = all.filter { $0.frames.first?.function == "blockedWork" }.count
        }).flatMap(gaps), let plain = runWithProbe(dir + "/stall.js", arguments: ["\(stalls)"], blame: false).flatMap(gaps) else { return nil }
        return PauseCost(heldMs: withBlame, baselineMs: plain, latencyMs: latencies, blamed: blamed, stalls: seen)
    }

    private static func writeApp(_ name: String, _ text: String) throws -> String {
        let dir = NSTemporaryDirectory() + "looptop-bench-node-\(getpid())-\(UUID().uuidString.prefix(6))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
        return dir
    }

    /// The app's CPU time in all and before its first line (ms).
    struct CPU {
        var total: Double
        var start: Double
    }

    private static func cpuMs(_ output: String) -> CPU? {
        guard let object = json(output), let total = object["cpu_us"].flatMap(number),
              let start = object["start_us"].flatMap(number) else { return nil }
        return CPU(total: total / 1000, start: start / 1000)
    }

    private static func gaps(_ output: String) -> [Double]? {
        (json(output)?["gaps"] as? [Any])?.compactMap(number)
    }

    /// A JSON number, whichever type JSONSerialization chose for it.
    static func number(_ value: Any) -> Double? {
        if let d = value as? Double { return d }
        if let i = value as? Int { return Double(i) }
        return (value as? NSNumber)?.doubleValue
    }

    private static func json(_ output: String) -> [String: Any]? {
        for line in output.split(separator: "\n").reversed() {
            if let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] { return object }
        }
        return nil
    }

    /// Runs under looptop's probe (blame on by default), as `looptop node --headless` does; returns the app's stdout.
    private static func runWithProbe(_ script: String, arguments: [String], blame: Bool = true,
                                     onEnd: (NodeApp) -> Void = { _ in }) -> String? {
        let outPath = NSTemporaryDirectory() + "looptop-bench-out-\(UUID().uuidString.prefix(6))"
        let fd = open(outPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return nil }
        defer { close(fd); unlink(outPath) }
        var options = NodeApp.Options(script: script, arguments: arguments)
        options.blame = blame
        options.passThroughFD = fd
        options.stdinFD = nil
        guard let app = try? NodeApp(options: options, inspector: blame ? InspectorClient() : nil), (try? app.start()) != nil else { return nil }
        _ = NodeHeadlessRunner(duration: 120).run(app, write: { _ in }, wait: { _ in usleep(20_000); return nil })
        onEnd(app)
        return try? String(contentsOfFile: outPath, encoding: .utf8)
    }

    private static func runPlain(_ script: String, arguments: [String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["node", script] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
