import Foundation
import Testing
import LoopTopEngine
import LoopTopNodeInspector

/// A JSON number, whichever type JSONSerialization chose for it.
func num(_ value: Any?) -> Double? {
    if let d = value as? Double { return d }
    if let i = value as? Int { return Double(i) }
    return (value as? NSNumber)?.doubleValue
}

/// Runs real Node programs the tests write to a temporary directory.
enum NodeFixture {
    /// Whether `node` is on PATH; tests that need it are skipped with this said.
    static let available: Bool = {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        return paths.contains { FileManager.default.isExecutableFile(atPath: "\($0)/node") }
    }()

    static let skipNote: Comment = "node is not installed (apt-get install nodejs): the Node source's end-to-end tests are skipped"

    /// A new private directory holding `files` (name → text).
    static func directory(_ files: [String: String]) throws -> String {
        let dir = NSTemporaryDirectory() + "looptop-node-test-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8) }
        return dir
    }

    struct Run {
        var lines: [[String: Any]]
        var summary: [String: Any]
        var outcome: NodeHeadlessRunner.Outcome
        /// What the app wrote to stdout and stderr, as looptop passed it on.
        var output: String
        var snapshot: NodeSnapshot

        var intervals: [[String: Any]] { lines.filter { $0["summary"] == nil } }
        var stalls: [[String: Any]] { summary["stalls"] as? [[String: Any]] ?? [] }
    }

    /// Watches `script` headless until it ends (or `duration`), as `looptop node --headless` does.
    static func run(_ script: String, arguments: [String] = [], blame: Bool = true, thresholdMs: Double = 50,
                    interval: Double = 0.25, duration: Double? = nil, node: String = "node",
                    connectTimeout: Double = 20, configure: (NodeApp) -> Void = { _ in }) throws -> Run {
        let outputPath = NSTemporaryDirectory() + "looptop-node-out-\(UUID().uuidString.prefix(8))"
        let fd = open(outputPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        defer { close(fd); unlink(outputPath) }
        var options = NodeApp.Options(script: script, arguments: arguments)
        options.node = node
        options.blame = blame
        options.thresholdMs = thresholdMs
        options.intervalSeconds = interval
        options.connectTimeoutSeconds = connectTimeout
        options.passThroughFD = fd
        options.stdinFD = nil
        let app = try NodeApp(options: options, inspector: blame ? InspectorClient() : nil)
        try app.start()
        configure(app)
        var lines: [String] = []
        let outcome = NodeHeadlessRunner(duration: duration).run(app, write: { lines.append($0) }, wait: { _ in
            usleep(20_000)
            return nil
        })
        let parsed = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return Run(lines: parsed, summary: parsed.last ?? [:], outcome: outcome, output: output, snapshot: app.snapshot())
    }
}
