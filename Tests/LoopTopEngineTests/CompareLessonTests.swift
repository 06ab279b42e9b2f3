import Foundation
@testable import LoopTopEngine
import Testing

/// Issue 17, "a lesson opens in compare view": a lesson with `[compare]`
/// plays on two engines, each in its mode; its conditions name a side.
@Suite struct CompareLessonFileTests {
    static let good = """
        title = "Two sides"
        [compare]
        left = "chunked"
        [setup]
        workers = 1
        do = ["rate 0", "job-ms 5"]
        [[step]]
        caption = "one"
        seconds = 1
        check = "left.workers == 1 and right.lag_p99 < 30"
        """

    @Test func aCompareTableGivesBothModesAndSidedConditions() throws {
        let lesson = try Lesson.parse(Self.good, name: "two")
        #expect(lesson.compare == Lesson.Sides(left: .chunked, right: .offloaded))
        let check = try #require(lesson.steps[0].check)
        #expect(check.clauses.map(\.metric) == ["left.workers", "right.lag_p99"])
        #expect(check.evaluate(["left.workers": 1, "right.lag_p99": 2]).holds)
        #expect(!check.evaluate(["workers": 1, "lag_p99": 2]).holds)
        // An empty table is the defaults, blocking against offloaded.
        let plain = try Lesson.parse("title = \"t\"\n[compare]\n[[step]]\ncaption = \"x\"\nseconds = 1\n", name: "p")
        #expect(plain.compare == Lesson.Sides(left: .blocking, right: .offloaded))
        #expect(try Lesson.parse("title = \"t\"\n[[step]]\ncaption = \"x\"\nseconds = 1\n", name: "p").compare == nil)
    }

    /// The two engines are built alike, each keeping its side's mode.
    @Test func theSourceHasTwoEnginesBuiltAlike() throws {
        let lesson = try Lesson.parse(Self.good, name: "two")
        let source = try #require(lesson.makeCompareSource(catalog: TestCatalog.calibrated))
        #expect(source.left.settings.mode == .chunked && source.right.settings.mode == .offloaded)
        var left = source.left.settings, right = source.right.settings
        left.mode = .offloaded
        right.mode = .offloaded
        #expect(left == right)
        #expect(lesson.makeSource(catalog: TestCatalog.calibrated) is CompareSource)
        let single = try Lesson.parse("title = \"t\"\n[[step]]\ncaption = \"x\"\nseconds = 1\n", name: "p")
        #expect(single.makeCompareSource(catalog: TestCatalog.calibrated) == nil)
        #expect(single.makeSource(catalog: TestCatalog.calibrated) is Engine)
    }

    static let head = "title = \"t\"\n[compare]\n"
    static let step = "[[step]]\ncaption = \"x\"\nseconds = 1\n"

    @Test(arguments: [
        (head + "left = \"fast\"\n" + step, 3, "unknown mode 'fast' for the left side; expected one of: blocking, chunked, offloaded"),
        (head + "right = 3\n" + step, 3, "'right' must be a string"),
        (head + "middle = \"blocking\"\n" + step, 3, "unknown key 'middle' in [compare]; expected one of: left, right"),
        (head + "[setup]\ndo = [\"rate 2\", \"mode chunked\"]\n" + step, 4,
         "'mode chunked': a compare lesson's sides keep their modes; set them in [compare]"),
        (head + step + "do = [\"mode blocking\"]\n", 6, "a compare lesson's sides keep their modes; set them in [compare]"),
        (head + step + "do = [\"terminate\"]\n", 6, "a compare lesson has no one worker to pick"),
        (head + step + "check = \"lag_p99 < 30\"\n", 6,
         "'lag_p99' needs its side in a compare lesson; expected left.lag_p99 or right.lag_p99"),
        (head + "[[step]]\ncaption = \"x\"\nuntil = \"left.lag_max > 1 and workers == 2\"\n", 5,
         "'workers' needs its side in a compare lesson; expected left.workers or right.workers"),
        (head + step + "check = \"left.lagg < 30\"\n", 6, "unknown figure 'lagg'"),
        ("title = \"t\"\n" + step + "check = \"left.lag_p99 < 30\"\n", 5,
         "'left.lag_p99' names a side, but this lesson has no [compare] table; expected lag_p99"),
        ("title = \"t\"\n[compare]\nleft = \"blocking\"\n[compare]\n" + step, 4, "not valid TOML"),
    ] as [(String, Int, String)])
    func mistakesNameTheirLine(text: String, line: Int, expected: String) {
        do {
            _ = try Lesson.parse(text, name: "bad")
            Issue.record("accepted a bad lesson:\n\(text)")
        } catch let error as ConfigError {
            #expect(error.file == "bad.toml")
            #expect(error.line == line, "\(error)")
            #expect(error.message.contains(expected), "\(error)")
            #expect(!error.description.contains("\n"), "one line: \(error)")
        } catch {
            Issue.record("not a ConfigError: \(error)")
        }
    }
}

/// The player against a ``CompareSource``: commands reach both engines,
/// figures are each side's, `n` and `p` restore each side from its own frame.
@Suite(.serialized) struct CompareLessonPlayerTests {
    static let text = """
        title = "Both"
        [compare]
        [setup]
        workers = 1
        do = ["workload spin", "rate 0", "job-ms 1"]
        [[step]]
        caption = "one"
        seconds = 2
        check = "left.workers == 1 and right.workers == 1"
        [[step]]
        caption = "two"
        do = ["spawn 1", "job-ms 3", "burst 4"]
        seconds = 2
        check = "left.workers == 2 and right.workers == 2 and left.completed >= 4 and right.completed >= 4"
        """

    @Test func stepsActOnBothAndFiguresAreEachSides() throws {
        let lesson = try Lesson.parse(Self.text, name: "both")
        let source = try #require(lesson.makeCompareSource(catalog: TestCatalog.calibrated))
        source.start()
        defer { source.stop() }
        #expect(eventually { let (l, r) = source.tick(); return l.liveWorkers == 1 && r.liveWorkers == 1 })
        let player = LessonPlayer(lesson: lesson, source: source)
        #expect(player.comparing)
        let t0: UInt64 = 1_000_000_000_000
        player.start(now: t0)
        #expect(player.tick(now: t0 + 1_000_000_000, pair: source.tick()) == nil)
        let first = try #require(player.tick(now: t0 + 2_100_000_000, pair: source.tick()))
        #expect(first.passed == true, "\(first.seen)")
        #expect(first.figures["left.workers"] == 1 && first.figures["right.workers"] == 1)
        #expect(first.figures["workers"] == nil, "a comparison names every figure by its side")
        // Step two's commands went to both engines, each keeping its mode.
        for engine in [source.left, source.right] { #expect(engine.settings.jobMs == 3) }
        #expect(source.left.settings.mode == .blocking && source.right.settings.mode == .offloaded)
        // Each side counts its own jobs since the step started: the four of the burst.
        #expect(eventually {
            let (l, r) = source.tick()
            return l.liveWorkers == 2 && r.liveWorkers == 2 && l.jobs.completed >= 4 && r.jobs.completed >= 4
        })
        let second = try #require(player.tick(now: t0 + 4_200_000_000, pair: source.tick()))
        #expect(second.passed == true, "\(second.seen)")
        #expect(second.figures["left.completed"] == 4 && second.figures["right.completed"] == 4, "\(second.figures)")
        #expect(player.finished)
    }

    /// `p` takes each side back to the step's state from its own frame,
    /// whatever was sent to one side since, and keeps each side's mode.
    @Test func previousRestoresEachSideFromItsOwnFrame() throws {
        let lesson = try Lesson.parse(Self.text, name: "both")
        let source = try #require(lesson.makeCompareSource(catalog: TestCatalog.calibrated))
        source.start()
        defer { source.stop() }
        let player = LessonPlayer(lesson: lesson, source: source)
        var now: UInt64 = 1_000_000_000_000
        player.start(now: now)
        now += 100_000_000
        player.next(now: now, pair: source.tick())
        #expect(player.index == 1)
        // Only the right side is changed behind the lesson's back.
        source.right.send(.setJobMs(40))
        source.right.send(.spawn(count: 2))
        #expect(eventually { source.right.tick().liveWorkers == 4 })
        now += 100_000_000
        player.previous(now: now)
        #expect(player.index == 0)
        for side in 0..<2 {
            let engine = side == 0 ? source.left : source.right
            let wanted = player.states(side: side)[0]
            #expect(eventually { engine.tick().liveWorkers == wanted.workers }, "side \(side)")
            #expect(engine.settings.jobMs == 1 && engine.settings.jobMs == wanted.settings.jobMs, "side \(side)")
            #expect(engine.settings.mode == wanted.settings.mode)
        }
        #expect(player.states(side: 0)[0].settings.mode == .blocking)
        #expect(player.states(side: 1)[0].settings.mode == .offloaded)
        #expect(source.left.settings.mode == .blocking && source.right.settings.mode == .offloaded)
    }

    /// A frame from before a side's reset must not end a step: the guard is per side.
    @Test func aSidesOldFrameDoesNotEndTheStep() throws {
        let lesson = try Lesson.parse(Self.text, name: "both")
        let source = try #require(lesson.makeCompareSource(catalog: TestCatalog.calibrated))
        source.start()
        defer { source.stop() }
        let old = source.tick()
        let player = LessonPlayer(lesson: lesson, source: source)
        let t0: UInt64 = 1_000_000_000_000
        player.start(now: t0)
        let fresh = source.tick()
        #expect(player.tick(now: t0 + 3_000_000_000, pair: (fresh.left, old.right)) == nil)
        #expect(player.tick(now: t0 + 3_000_000_000, pair: (old.left, fresh.right)) == nil)
        #expect(player.tick(now: t0 + 3_000_000_000, pair: source.tick()) != nil)
    }
}
