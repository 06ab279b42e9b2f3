import Testing
@testable import LoopTopEngine

/// Issue 11 (point 5): `n` and `p` replayed a step's commands on top of the
/// current state (in pool-size, n p n left 14 workers where the caption says
/// eight). Now each goes to the step's state; every built-in lesson is played
/// with n/p sequences and the engine checked after each press.
@Suite(.serialized) struct LessonStepStateTests {
    /// Sequences of presses, each from a fresh start.
    static let sequences: [[Character]] = [["n"], ["n", "p", "n"], ["n", "n", "p"], ["p"], ["n", "p", "p", "n", "n"],
                                           ["n", "n", "n", "n", "p"], ["n", "n", "n", "n", "p", "p", "n"]]

    @Test(arguments: Lesson.builtIn.map(\.name))
    func nAndPGoToAStepsState(name: String) throws {
        let lesson = try #require(try Lesson.builtIn(named: name))
        if lesson.compare != nil { return try comparePresses(lesson) }
        for presses in Self.sequences {
            let engine = lesson.makeEngine(catalog: TestCatalog.calibrated)
            engine.start()
            defer { engine.stop() }
            let player = LessonPlayer(lesson: lesson, engine: engine)
            var now: UInt64 = 1_000_000_000_000
            player.start(now: now)
            expectState(player, engine, after: "start", lesson: name)
            for (i, key) in presses.enumerated() {
                now += 100_000_000
                if key == "n" { player.next(now: now, snapshot: engine.tick()) } else { player.previous(now: now) }
                expectState(player, engine, after: String(presses.prefix(i + 1)), lesson: name)
            }
        }
    }

    /// A compare lesson: both engines go to their side's state after every press, each in its own mode.
    func comparePresses(_ lesson: Lesson) throws {
        for presses in Self.sequences {
            let source = try #require(lesson.makeCompareSource(catalog: TestCatalog.calibrated))
            source.start()
            defer { source.stop() }
            let player = LessonPlayer(lesson: lesson, source: source)
            var now: UInt64 = 1_000_000_000_000
            player.start(now: now)
            for (i, key) in presses.enumerated() {
                now += 100_000_000
                if key == "n" { player.next(now: now, pair: source.tick()) } else { player.previous(now: now) }
                let at = player.finished ? lesson.steps.count : player.index + 1
                for (side, engine) in [source.left, source.right].enumerated() {
                    let wanted = player.states(side: side)[at]
                    let label = "\(lesson.name) after \(String(presses.prefix(i + 1))) side \(side)"
                    #expect(eventually { engine.tick().liveWorkers == wanted.workers }, "\(label)")
                    let s = engine.settings
                    #expect(s.jobMs == wanted.settings.jobMs && s.rate == wanted.settings.rate
                            && s.workload == wanted.settings.workload, "\(label): \(s) wanted \(wanted.settings)")
                }
                #expect(source.left.settings.mode == .blocking && source.right.settings.mode == .offloaded)
            }
        }
    }

    /// The engine shows the state the step's commands leave: its workers
    /// (once starting and stopping threads have settled) and its knobs.
    func expectState(_ player: LessonPlayer, _ engine: Engine, after presses: String, lesson: String,
                     sourceLocation: SourceLocation = #_sourceLocation) {
        let wanted = player.states[player.finished ? player.lesson.steps.count : player.index + 1]
        let label = "\(lesson) after \(presses) (step \(player.index + 1))"
        #expect(eventually { engine.tick().liveWorkers == wanted.workers },
                "\(label): \(engine.tick().liveWorkers) workers, wanted \(wanted.workers)", sourceLocation: sourceLocation)
        let s = engine.tick().settings
        #expect(s.mode == wanted.settings.mode && s.workload == wanted.settings.workload && s.jobMs == wanted.settings.jobMs
                && s.rate == wanted.settings.rate && s.inputKB == wanted.settings.inputKB
                && s.passing == wanted.settings.passing, "\(label): \(s) wanted \(wanted.settings)",
                sourceLocation: sourceLocation)
    }

    /// The case the issue names: n p n in pool-size leaves the eight workers n leaves.
    @Test func poolSizeNPNLeavesWhatNLeaves() throws {
        let lesson = try #require(try Lesson.builtIn(named: "pool-size"))
        var counts: [Int] = []
        for presses in ["n", "npn"] {
            let engine = lesson.makeEngine(catalog: TestCatalog.calibrated)
            engine.start()
            defer { engine.stop() }
            let player = LessonPlayer(lesson: lesson, engine: engine)
            var now: UInt64 = 1_000_000_000_000
            player.start(now: now)
            for key in presses {
                now += 100_000_000
                if key == "n" { player.next(now: now, snapshot: engine.tick()) } else { player.previous(now: now) }
                _ = eventually { engine.tick().workers.allSatisfy { $0.state != .stopping } }
            }
            #expect(eventually { engine.tick().liveWorkers == 8 }, "\(presses): \(engine.tick().liveWorkers) workers")
            counts.append(engine.tick().liveWorkers)
        }
        #expect(counts == [8, 8])
    }

    /// In the dashboard a step lasts at least as long as its caption takes to
    /// read; headless, its own time.
    @Test func aStepStaysAsLongAsItsCaptionTakesToRead() throws {
        let lesson = try Lesson.parse("""
            title = "reading"
            [setup]
            workers = 0
            [[step]]
            caption = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
            seconds = 1
            [[step]]
            caption = "end"
            seconds = 1
            """, name: "reading")
        let reading = LessonPlayer.readingSeconds(lesson.steps[0].caption)
        #expect(reading == 14 / 3.5 + 2)
        for reads in [false, true] {
            let engine = lesson.makeEngine(catalog: TestCatalog.calibrated)
            let player = LessonPlayer(lesson: lesson, engine: engine, readsCaptions: reads)
            let t0: UInt64 = 1_000_000_000_000
            player.start(now: t0)
            let snapshot = engine.tick()
            let atOne = player.tick(now: t0 + 1_100_000_000, snapshot: snapshot)
            #expect((atOne != nil) == !reads, "reads \(reads)")
            if reads {
                #expect(player.tick(now: t0 + UInt64((reading - 0.1) * 1e9), snapshot: snapshot) == nil)
                #expect(player.tick(now: t0 + UInt64((reading + 0.1) * 1e9), snapshot: snapshot) != nil)
            }
            #expect(player.index == 1)
        }
    }
}
