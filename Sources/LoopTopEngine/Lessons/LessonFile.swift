extension Lesson {
    public static func load(path: String) throws -> Lesson {
        let table = try ConfigFile.load(path: path)
        let base = (table.source.name as String)
        return try make(from: table, name: base.hasSuffix(".toml") ? String(base.dropLast(5)) : base)
    }

    public static func parse(_ text: String, name: String) throws -> Lesson {
        try make(from: ConfigFile.parse(text, name: name + ".toml"), name: name)
    }

    static func make(from root: ConfigTable, name: String) throws -> Lesson {
        try root.rejectUnknownKeys(["title", "summary", "compare", "setup", "workload", "step"], in: "the lesson")
        guard let title = try root.string("title"), !title.isEmpty else {
            throw root.error(nil, "a lesson needs a title, e.g. title = \"The blocked loop\"")
        }
        var lesson = Lesson(name: name, title: title, summary: try root.string("summary") ?? "",
                            workers: 2, setup: [], workloads: [], steps: [])
        if let compare = try root.table("compare") {
            try compare.rejectUnknownKeys(["left", "right"], in: "[compare]")
            lesson.compare = Sides(left: try mode(compare, "left") ?? .blocking, right: try mode(compare, "right") ?? .offloaded)
        }
        let sides = lesson.compare != nil
        if let setup = try root.table("setup") {
            try setup.rejectUnknownKeys(["workers", "do"], in: "[setup]")
            lesson.workers = try setup.integer("workers", in: 0...256) ?? 2
            lesson.setup = try commands(setup, compare: sides)
        }
        var names = Set<String>()
        for entry in try root.tables("workload") {
            let (workload, _) = try WorkloadSpec.makeWorkload(entry)
            guard names.insert(workload.name).inserted else {
                throw entry.error("name", "workload name '\(workload.name)' is used twice")
            }
            lesson.workloads.append(workload)
        }
        let steps = try root.tables("step")
        guard !steps.isEmpty else { throw root.error(nil, "a lesson needs at least one [[step]] with a caption") }
        for t in steps {
            try t.rejectUnknownKeys(["caption", "do", "settle", "seconds", "until", "timeout", "check"], in: "a [[step]]")
            guard let caption = try t.string("caption"), !caption.isEmpty else {
                throw t.error(nil, "each [[step]] needs a caption of a sentence or two")
            }
            let seconds = try t.number("seconds", in: 0.1...3_600)
            let until = try condition(t, "until", sides: sides)
            guard seconds != nil || until != nil else {
                throw t.error(nil, "a [[step]] needs seconds = N or until = \"CONDITION\" to know when it ends")
            }
            let timeout = try t.number("timeout", in: 0.1...3_600) ?? max(seconds ?? 0, 15)
            lesson.steps.append(Step(
                caption: caption, commands: try commands(t, compare: sides), settle: try t.number("settle", in: 0...600) ?? 0,
                seconds: seconds, until: until, timeout: timeout, check: try condition(t, "check", sides: sides),
                line: t.error(nil, "").line))
        }
        // A workload a command names must exist, as a built-in or in this lesson.
        let known = Set(WorkloadCatalog.builtIn().map(\.name)).union(names)
        for (index, step) in lesson.steps.enumerated() {
            for command in step.commands {
                if case .setWorkload(let wanted) = command.command, !known.contains(wanted) {
                    throw steps[index].error("do", "unknown workload '\(wanted)'; expected a built-in (\(WorkloadCatalog.builtIn().map(\.name).joined(separator: ", "))) or a [[workload]] of this lesson")
                }
            }
        }
        return lesson
    }

    /// A compare lesson's commands act on both engines: a mode would make
    /// the two sides the same, and there is no one worker to terminate or fault.
    private static func commands(_ t: ConfigTable, compare: Bool) throws -> [LessonCommand] {
        try (t.strings("do") ?? []).map { text in
            switch LessonCommand.parse(text) {
            case .success(let command):
                if compare {
                    switch command.command {
                    case .setMode, .cycleMode:
                        throw t.error("do", "'\(text)': a compare lesson's sides keep their modes; set them in [compare]")
                    case .terminate, .injectFault:
                        throw t.error("do", "'\(text)': a compare lesson has no one worker to pick (each side has its pool); use spawn, or a lesson without [compare]")
                    default: break
                    }
                }
                return command
            case .failure(let reason): throw t.error("do", reason.description)
            }
        }
    }

    private static func mode(_ t: ConfigTable, _ key: String) throws -> Mode? {
        guard let text = try t.string(key) else { return nil }
        guard let mode = Mode(rawValue: text) else {
            throw t.error(key, "unknown mode '\(text)' for the \(key) side; expected one of: \(Mode.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return mode
    }

    private static func condition(_ t: ConfigTable, _ key: String, sides: Bool) throws -> Condition? {
        guard let text = try t.string(key) else { return nil }
        switch Condition.parse(text, sides: sides) {
        case .success(let condition): return condition
        case .failure(let reason): throw t.error(key, reason.description)
        }
    }

    /// An engine set up for this lesson: its workers and workloads, no arrivals
    /// until the setup says so.
    public func makeEngine(catalog: WorkloadCatalog) -> Engine {
        makeEngine(catalog: catalog, mode: nil)
    }

    /// What the lesson plays on: two engines for a compare lesson
    /// (``makeCompareSource(catalog:)``), else one.
    public func makeSource(catalog: WorkloadCatalog) -> any SnapshotSource {
        makeCompareSource(catalog: catalog) ?? makeEngine(catalog: catalog)
    }

    /// A compare lesson's two engines, built as `looptop compare` builds
    /// them: the same settings, catalog (one measurement of the workloads),
    /// workers and arrival seed, each in its side's mode. Nil for a lesson
    /// without `[compare]`.
    public func makeCompareSource(catalog: WorkloadCatalog) -> CompareSource? {
        guard let compare else { return nil }
        return CompareSource(left: makeEngine(catalog: catalog, mode: compare.left),
                             right: makeEngine(catalog: catalog, mode: compare.right))
    }

    private func makeEngine(catalog: WorkloadCatalog, mode: Mode?) -> Engine {
        var catalog = catalog
        for workload in workloads {
            catalog.register(workload, nanosPerUnit: workload is CommandWorkload ? 1_000_000 : nil)
        }
        var settings = EngineSettings()
        settings.rate = 0
        if let mode { settings.mode = mode }
        return Engine(configuration: .init(workers: workers, settings: settings, catalog: catalog))
    }
}
