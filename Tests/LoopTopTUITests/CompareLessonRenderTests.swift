import Testing
import LoopTopTUI
@testable import LoopTopEngine

/// Issue 17, "a lesson opens in compare view", on the memory screen: the
/// split screen with a compare lesson's panel under the header at 80×20
/// and 120×36, one line at the smallest size, the lesson keys in the
/// footer and help.
struct CompareLessonRenderTests {
    static let caption = "Both sides get the same 200 ms jobs, two a second. Look at lag max: on the left (blocking) "
        + "each job holds the loop, so it reads about 200 ms. On the right (offloaded) the workers run them, and lag "
        + "p99 stays near a millisecond."

    static func status(paused: Bool = false) -> LessonStatus {
        LessonStatus(title: "Blocking and offloaded, side by side", step: 2, steps: 3, caption: caption,
                     progress: .timed(elapsed: 1.5, of: 4), paused: paused,
                     last: .init(step: 1, verdict: .ok, ending: "time", figures: [
                         .init(metric: "left.lag_max", value: 201, op: ">", target: 150),
                         .init(metric: "right.lag_p99", value: 0.41, op: "<", target: 30),
                     ]), passed: 1, failed: 0)
    }

    static func frame(_ status: LessonStatus? = status(), state: UIState = UIState(), notices: [Notice] = []) -> CompareFrame {
        var f = CompareScenarios.frame(state: state, notices: notices)
        f.lesson = status
        return f
    }

    @Test func lessonPanelAt80x20() {
        expectScreen(renderCompare(Self.frame(), rows: 20, cols: 80), """
         looptop compare   primes 150 ms  4 jobs/s  both on 2 cores      ? help  q quit
        ┌ Lesson: Blocking and offloaded, side by side · step 2/3 ─────────────────────┐
        │ Both sides get the same 200 ms jobs, two a second. Look at lag max: on the   │
        │ left (blocking) each job holds the loop, so it reads about 200 ms. On the    │
        │ right (offloaded) the workers run them, and lag p99 stays near a             │
        │ millisecond.                                                                 │
        │ ▶ 1.5 s of 4 s  ███████·············                                         │
        │ step 1 ok  left.lag_max 201 > 150  right.lag_p99 0.41 < 30                   │
        └──────────────────────────────────────────────────────────────────────────────┘
        ┌ BLOCKING ───────────────────── left ─┐┌ OFFLOADED ─────────────────── right ─┐
        │ p50 0.20 ms  p99 148 ms  max 151 ms  ││ p50 0.08 ms  p99 0.31 ms  max 1.2 ms │
        │              ▆█████████████          ││                                      │
        │              ██████████████          ││                                      │
        │ ▁▁▁▁▁▁▁▁▁▁▁▁▁██████████████   150 ms ││ ▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁  0.40 ms │
        │ req p99 162 ms p50 0.30 ms busy 61%  ││ req p99 3.4 ms p50 0.10 ms busy 12%  │
        │ queue 1 wait 140 ms run 150 ms       ││ queue 0 wait 0.20 ms run 150 ms      │
        │ workers 4  run 0  idle 4  busy 0%    ││ workers 4  run 2  idle 1  busy 61%   │
        └──────────────────────────────────────┘└──────────────────────────────────────┘
         requests wait 48× longer blocking: p99 162 ms vs 3.4 ms
         n next step  p previous  space pause lesson  [ ] size  { } rate  B burst
        """)
    }

    @Test func lessonPanelAt120x36() {
        let screen = renderCompare(Self.frame(), rows: 36, cols: 120)
        expectLines(Array(screen.lines.prefix(9)), """
         looptop compare   primes 150 ms  4 jobs/s  workers 4/4  both on 2 cores                                 ? help  q quit
        ┌ Lesson: Blocking and offloaded, side by side · step 2/3 ─────────────────────────────────────────────────────────────┐
        │ Both sides get the same 200 ms jobs, two a second. Look at lag max: on the left (blocking) each job holds the loop,  │
        │ so it reads about 200 ms. On the right (offloaded) the workers run them, and lag p99 stays near a millisecond.       │
        │ ▶ 1.5 s of 4 s  ███████·············                                                                                 │
        │ step 1 ok  left.lag_max 201 > 150  right.lag_p99 0.41 < 30                                                           │
        └──────────────────────────────────────────────────────────────────────────────────────────────────────────────────────┘
        ┌ BLOCKING ───────────────────────────────────────── left ─┐┌ OFFLOADED ─────────────────────────────────────── right ─┐
        │ lag p50 0.20 ms  p99 148 ms  max 151 ms                  ││ lag p50 0.08 ms  p99 0.31 ms  max 1.2 ms                 │
        """)
        expectLines(Array(screen.lines.suffix(5)), """
        │ queue 1  wait 140 ms  run 150 ms  done 330  rej 0        ││ queue 0  wait 0.20 ms  run 150 ms  done 331  rej 0       │
        │ workers 4  running 0  idle 4  busy 0%                    ││ workers 4  running 2  idle 1  busy 61%                   │
        └──────────────────────────────────────────────────────────┘└──────────────────────────────────────────────────────────┘
         requests wait 48× longer blocking: p99 162 ms vs 3.4 ms
         n next step  p previous  space pause lesson  [ ] size  { } rate  B burst  ? help
        """)
    }

    /// Short of rows the lesson is one line and both sides keep theirs;
    /// narrower, the sides stack under it.
    @Test func oneLineAt80x12And40x12() {
        let wide = renderCompare(Self.frame(), rows: 12, cols: 80)
        #expect(wide.lines[1] == " lesson 2/3 Both sides get the same 200 ms jobs, two a second. Look at lag max:…")
        #expect(wide.lines[2].hasPrefix("┌ BLOCKING ") && wide.lines[9].hasPrefix("└"))
        expectScreen(renderCompare(Self.frame(), rows: 12, cols: 40), """
         primes 150ms 4/s  both on 2 cores     ?
         lesson 2/3 Both sides get the same 200…
         BLOCKING  lag p99 148 ms  max 151 ms
         lag  ▁▁▁▁▁▁▁▁▁▁▁▁█████████████   150 ms
         req p99 162 ms  p50 0.30 ms  busy 61%
         queue 1  wait 140 ms  w 0/4  done 330
         OFFLOADED  lag p99 0.31 ms  max 1.2 ms
         lag  ▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁  0.40 ms
         req p99 3.4 ms  p50 0.10 ms  busy 12%
         queue 0  wait 0.20 ms  w 2/4  done 331
         blocking 48× longer: 162 ms vs 3.4 ms
         n next step  p previous
        """)
        // Smaller than any layout: the size it needs, as without a lesson.
        let tiny = renderCompare(Self.frame(), rows: 10, cols: 30)
        #expect(tiny.text.contains("looptop needs 40x12") && tiny.text.contains("this terminal: 30x10"))
    }

    /// Paused, the footer offers to resume; a notice still gets its line under the lesson.
    @Test func pausedWithANotice() {
        let screen = renderCompare(Self.frame(Self.status(paused: true), notices: [Notice("compare: each side keeps its mode (--left, --right)")]),
                                   rows: 24, cols: 80)
        #expect(screen.lines[6].contains("PAUSED"), "\(screen.text)")
        #expect(screen.lines[21] == " compare: each side keeps its mode (--left, --right)", "\(screen.text)")
        #expect(screen.lines[23].hasPrefix(" n next step  p previous  space resume lesson"), "\(screen.text)")
    }

    /// The finished lesson says how it went, in the panel's caption.
    @Test func finished() {
        var status = Self.status()
        status.progress = .finished
        status.step = 3
        status.passed = 3
        let screen = renderCompare(Self.frame(status), rows: 20, cols: 80)
        #expect(screen.lines[1].hasPrefix("┌ Lesson: Blocking and offloaded, side by side · step 3/3 ") && screen.lines[1].contains("complete"))
        #expect(screen.lines[2] == "│ lesson complete: 3 passed, 0 failed                                          │")
    }

    @Test func helpListsTheLessonKeysFirst() {
        var help = UIState()
        help.helpVisible = true
        let screen = renderCompare(Self.frame(state: help), rows: 20, cols: 80)
        #expect(screen.lines[2].contains("n      lesson: next step (its setup restored on both sides)"), "\(screen.text)")
        #expect(screen.lines[3].contains("p      lesson: previous step"))
        #expect(screen.lines[4].contains("space  lesson: pause / resume (the engines run on)"))
        #expect(screen.text.contains("mode: fixed per side (the lesson's [compare])"))
        #expect(screen.text.contains("q  ^C  quit"), "every key fits at 80x20")
        // Without a lesson, space still pauses the arrivals.
        let plain = renderCompare(CompareScenarios.frame(state: help), rows: 24, cols: 80)
        #expect(plain.text.contains("space  pause / resume arrivals (both)") && !plain.text.contains("lesson:"))
    }
}
