/// A workload spec file: named workloads built from the kernels (with their
/// parameters) or from external commands, mixed by weight, with arrivals and
/// data passing. Loaded whole or not at all: any mistake is one
/// ``ConfigError`` naming the file, the line and what was expected.
///
/// ```toml
/// [arrivals]
/// rate = 40              # jobs per second
/// pattern = "poisson"    # "constant" or "poisson"
///
/// [[workload]]
/// name = "thumbnails"
/// kernel = "blur"
/// width = 512
/// ms = 30
/// weight = 2
///
/// [[workload]]
/// name = "gzip"
/// command = ["gzip", "-c"]
/// stdin_kb = 256
/// ```
public struct WorkloadSpec: Sendable {
    /// The file's name, for display.
    public var name: String
    public var workloads: [any Workload] = []
    public var mix: [MixEntry] = []
    public var rate: Double?
    public var pattern: ArrivalPattern?
    /// Bursts: this many jobs at once…
    public var burst: Int?
    /// …every this many seconds.
    public var burstEvery: Double?
    public var mode: Mode?
    public var inputKB: Double?
    public var passing: DataPassing?

    /// The kernels a spec can name, with the parameters each takes.
    public static let kernels: [(name: String, parameters: [String])] = [
        ("spin", []), ("primes", []), ("hash", ["kib"]), ("matmul", ["n"]), ("sort", ["elements"]),
        ("csv-parse", ["rows"]), ("json", ["records"]), ("mandelbrot", ["width", "iterations"]), ("blur", ["width"]),
    ]

    public static func load(path: String) throws -> WorkloadSpec {
        let table = try ConfigFile.load(path: path)
        return try make(from: table)
    }

    public static func parse(_ text: String, name: String) throws -> WorkloadSpec {
        try make(from: ConfigFile.parse(text, name: name))
    }

    static func make(from root: ConfigTable) throws -> WorkloadSpec {
        var spec = WorkloadSpec(name: root.source.name)
        try root.rejectUnknownKeys(["arrivals", "data", "workload"], in: "the spec")
        if let arrivals = try root.table("arrivals") {
            try arrivals.rejectUnknownKeys(["rate", "pattern", "mode", "burst", "burst_every"], in: "[arrivals]")
            spec.burst = try arrivals.integer("burst", in: 0...100_000)
            spec.burstEvery = try arrivals.number("burst_every", in: 0.01...3_600)
            if (spec.burst ?? 0) > 0, spec.burstEvery == nil {
                throw arrivals.error("burst", "'burst' needs 'burst_every' (seconds between bursts)")
            }
            spec.rate = try arrivals.number("rate", in: EngineSettings.rateRange)
            spec.pattern = try arrivals.choice("pattern", of: ArrivalPattern.self)
            spec.mode = try arrivals.choice("mode", of: Mode.self)
        }
        if let data = try root.table("data") {
            try data.rejectUnknownKeys(["input_kb", "passing"], in: "[data]")
            spec.inputKB = try data.number("input_kb", in: EngineSettings.inputKBRange)
            spec.passing = try data.choice("passing", of: DataPassing.self)
        }
        let entries = try root.tables("workload")
        guard !entries.isEmpty else {
            throw root.error(nil, "no workloads; expected at least one [[workload]] table with a name and a kernel or command")
        }
        var names = Set<String>()
        for entry in entries {
            let (workload, mix) = try makeWorkload(entry)
            guard names.insert(workload.name).inserted else {
                throw entry.error("name", "workload name '\(workload.name)' is used twice; names must be unique")
            }
            spec.workloads.append(workload)
            spec.mix.append(mix)
        }
        return spec
    }

    static func makeWorkload(_ t: ConfigTable) throws -> (any Workload, MixEntry) {
        guard let name = try t.string("name"), !name.isEmpty else {
            throw t.error(nil, "a [[workload]] needs a name, e.g. name = \"thumbnails\"")
        }
        guard name.count <= 24, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw t.error("name", "workload name '\(name)' must be 1–24 letters, digits, '-' or '_'")
        }
        let what = "workload '\(name)'"
        let kernel = try t.string("kernel")
        let command = try t.strings("command")
        let workload: any Workload
        switch (kernel, command) {
        case (nil, nil):
            throw t.error(nil, "\(what) needs a kernel (one of \(kernels.map(\.name).joined(separator: ", "))) or a command = [\"program\", \"arg\"]")
        case (.some, .some):
            throw t.error("command", "\(what) has both a kernel and a command; expected one of them")
        case (nil, .some(let argv)):
            try t.rejectUnknownKeys(["name", "command", "stdin_kb", "weight"], in: what)
            guard let program = argv.first, !program.isEmpty else {
                throw t.error("command", "\(what): command must name a program, e.g. [\"gzip\", \"-c\"]")
            }
            _ = program
            let stdinKB = try t.number("stdin_kb", in: 0...1_048_576) ?? 0
            workload = CommandWorkload(name: name, arguments: argv, inputBytes: Int(stdinKB * 1024))
            let weight = try t.number("weight", in: 0...1_000_000) ?? 1
            return (workload, MixEntry(workload: name, weight: weight, units: 1))
        case (.some(let kernelName), nil):
            guard let known = kernels.first(where: { $0.name == kernelName }) else {
                throw t.error("kernel", "\(what): unknown kernel '\(kernelName)'; expected one of \(kernels.map(\.name).joined(separator: ", "))")
            }
            try t.rejectUnknownKeys(["name", "kernel", "ms", "units", "weight"] + known.parameters, in: what)
            workload = try makeKernel(known.name, name: name, t)
        }
        let ms = try t.number("ms", in: EngineSettings.jobMsRange)
        let units = try t.integer("units", in: 1...1_000_000_000)
        if ms != nil, units != nil {
            throw t.error("units", "\(what) has both ms and units; size a job by one of them")
        }
        let weight = try t.number("weight", in: 0...1_000_000) ?? 1
        return (workload, MixEntry(workload: name, weight: weight, jobMs: ms ?? (units == nil ? 20 : nil), units: units))
    }

    private static func makeKernel(_ kernel: String, name: String, _ t: ConfigTable) throws -> any Workload {
        func int(_ key: String, _ range: ClosedRange<Int>) throws -> Int? { try t.integer(key, in: range) }
        let base: any Workload
        switch kernel {
        case "spin": base = SpinWorkload()
        case "primes": base = PrimesWorkload()
        case "hash": base = HashWorkload(bytesPerUnit: (try int("kib", 1...65_536) ?? 64) * 1024)
        case "matmul": base = MatmulWorkload(n: try int("n", 8...2_048) ?? 128)
        case "sort": base = SortWorkload(elements: try int("elements", 2...10_000_000) ?? 4096)
        case "csv-parse": base = CSVParseWorkload(rows: try int("rows", 1...1_000_000) ?? 200)
        case "json": base = JSONWorkload(records: try int("records", 1...1_000_000) ?? 40)
        case "mandelbrot":
            base = MandelbrotWorkload(width: try int("width", 8...8_192) ?? 256,
                                      maxIterations: try int("iterations", 1...100_000) ?? 256)
        case "blur": base = BlurWorkload(width: try int("width", 16...8_192) ?? 256)
        default: throw t.error("kernel", "unknown kernel '\(kernel)'")
        }
        return RenamedWorkload(name: name, base: base)
    }
}

/// A kernel under the name a spec gave it.
public struct RenamedWorkload: Workload {
    public let name: String
    public let base: any Workload
    public var summary: String { "\(base.name): \(base.summary)" }
    public var parameters: String { base.parameters }
    public var unitQuantum: Int { base.unitQuantum }
    public func makeRun(units: Int, seed: UInt64) -> any WorkloadRun { base.makeRun(units: units, seed: seed) }
}

extension ConfigTable {
    /// One of an enum's raw values.
    func choice<T: RawRepresentable & CaseIterable>(_ key: String, of type: T.Type) throws -> T? where T.RawValue == String {
        guard let raw = try string(key) else { return nil }
        guard let value = T(rawValue: raw) else {
            throw error(key, "'\(key)' must be one of \(T.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")), got \"\(raw)\"")
        }
        return value
    }
}

extension Engine {
    /// Loads a spec's workloads into the catalog (measuring each) and applies
    /// its mix, arrivals and data settings, all at once: a spec that fails to
    /// load (see ``WorkloadSpec/load(path:)``) changes nothing.
    @discardableResult
    public func apply(_ spec: WorkloadSpec) -> String {
        var catalog = self.catalog
        for workload in spec.workloads {
            // Commands are not measured by running them at load time: a job is one run.
            let cost: Double? = workload is CommandWorkload ? 1_000_000 : nil
            catalog.register(workload, nanosPerUnit: cost)
        }
        var settings = self.settings
        settings.mix = spec.mix
        settings.mixName = spec.name
        if let first = spec.mix.first { settings.workload = first.workload }
        if let rate = spec.rate { settings.rate = rate }
        if let pattern = spec.pattern { settings.arrival = pattern }
        if let burst = spec.burst { settings.burstSize = burst }
        if let every = spec.burstEvery { settings.burstEverySeconds = every }
        if let mode = spec.mode { settings.mode = mode }
        if let kb = spec.inputKB { settings.inputKB = kb }
        if let passing = spec.passing { settings.passing = passing }
        settingsBox.replace(catalog: catalog, settings: settings)
        loop.wake()
        let message = "spec \(spec.name): \(spec.workloads.count) workload\(spec.workloads.count == 1 ? "" : "s") (\(spec.mix.map(\.workload).joined(separator: ", ")))"
        events.push(EngineEvent(time: clock.now(), kind: .control, message: message))
        return message
    }
}
