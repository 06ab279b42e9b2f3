import Foundation

/// The Prometheus text format read back, strictly enough to catch a malformed
/// line: `# HELP` / `# TYPE` per family, then `name{labels} value` samples.
struct Exposition {
    struct Sample: Equatable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    var help: [String: String] = [:]
    var type: [String: String] = [:]
    var samples: [Sample] = []

    struct Malformed: Error, CustomStringConvertible {
        var line: String
        var description: String { "malformed exposition line: \(line)" }
    }

    init(_ text: String) throws {
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# HELP ") {
                let rest = line.dropFirst(7)
                guard let space = rest.firstIndex(of: " ") else { throw Malformed(line: String(line)) }
                help[String(rest[..<space])] = String(rest[rest.index(after: space)...])
            } else if line.hasPrefix("# TYPE ") {
                let parts = line.dropFirst(7).split(separator: " ")
                guard parts.count == 2, ["counter", "gauge", "histogram", "summary", "untyped"].contains(String(parts[1])) else {
                    throw Malformed(line: String(line))
                }
                type[String(parts[0])] = String(parts[1])
            } else if line.hasPrefix("#") {
                continue
            } else {
                samples.append(try Self.sample(String(line)))
            }
        }
    }

    static func sample(_ line: String) throws -> Sample {
        var name = ""
        var labels: [String: String] = [:]
        var i = line.startIndex
        while i < line.endIndex, line[i].isLetter || line[i].isNumber || line[i] == "_" || line[i] == ":" {
            name.append(line[i]); i = line.index(after: i)
        }
        guard !name.isEmpty, !(name.first!.isNumber) else { throw Malformed(line: line) }
        if i < line.endIndex, line[i] == "{" {
            i = line.index(after: i)
            while i < line.endIndex, line[i] != "}" {
                var key = ""
                while i < line.endIndex, line[i] != "=" { key.append(line[i]); i = line.index(after: i) }
                guard i < line.endIndex, line.index(after: i) < line.endIndex, line[line.index(after: i)] == "\"" else { throw Malformed(line: line) }
                i = line.index(i, offsetBy: 2)
                var value = ""
                while i < line.endIndex, line[i] != "\"" {
                    if line[i] == "\\" { i = line.index(after: i) }
                    guard i < line.endIndex else { throw Malformed(line: line) }
                    value.append(line[i]); i = line.index(after: i)
                }
                guard i < line.endIndex else { throw Malformed(line: line) }
                i = line.index(after: i)
                labels[key] = value
                if i < line.endIndex, line[i] == "," { i = line.index(after: i) }
            }
            guard i < line.endIndex else { throw Malformed(line: line) }
            i = line.index(after: i)
        }
        let rest = line[i...].split(separator: " ")
        guard rest.count == 1, let value = Double(rest[0]) ?? (rest[0] == "+Inf" ? Double.infinity : nil) else {
            throw Malformed(line: line)
        }
        return Sample(name: name, labels: labels, value: value)
    }

    func values(_ name: String) -> [Sample] { samples.filter { $0.name == name } }

    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }

    /// The family a sample belongs to (a histogram's _bucket/_sum/_count lines).
    func family(of name: String) -> String {
        for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
            let base = String(name.dropLast(suffix.count))
            if type[base] == "histogram" { return base }
        }
        return name
    }
}

/// `promtool check metrics` on an exposition: nil where promtool is not installed,
/// else its exit status and what it printed.
enum Promtool {
    static let path: String? = ["/usr/bin/promtool", "/usr/local/bin/promtool"].first { FileManager.default.isExecutableFile(atPath: $0) }

    static func check(_ exposition: [UInt8]) throws -> (status: Int32, output: String)? {
        guard let path else { return nil }
        // The exposition goes in from a file and the answer out to one: no pipe can fill.
        let directory = FileManager.default.temporaryDirectory
        let input = directory.appendingPathComponent("looptop-promtool-\(getpid())-\(Int.random(in: 0..<1_000_000)).prom")
        let output = input.appendingPathExtension("out")
        defer {
            try? FileManager.default.removeItem(at: input)
            try? FileManager.default.removeItem(at: output)
        }
        try Data(exposition).write(to: input)
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["check", "metrics"]
        process.standardInput = try FileHandle(forReadingFrom: input)
        let sink = try FileHandle(forWritingTo: output)
        process.standardOutput = sink
        process.standardError = sink
        try process.run()
        process.waitUntilExit()
        return (process.terminationStatus, (try? String(contentsOf: output, encoding: .utf8)) ?? "")
    }
}
