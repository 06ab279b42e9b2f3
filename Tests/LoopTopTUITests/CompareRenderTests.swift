import Testing
import LoopTopTUI
@testable import LoopTopEngine

/// Issue 17 on the memory screen: the split screen of `looptop compare` at
/// 40x12, 80x24 and 140x40, its help, the queue panel's model lines and
/// the wait curve (m). `LOOPTOP_TUI_PREVIEW=1 swift test --filter preview` prints them all.
struct CompareRenderTests {
    func compare(_ name: String) -> MemoryScreen {
        let (_, frame, rows, cols) = CompareScenarios.all.first { $0.0 == name }!
        return renderCompare(frame, rows: rows, cols: cols)
    }

    func dashboard(_ name: String) -> MemoryScreen {
        let (_, frame, rows, cols) = CompareScenarios.dashboards.first { $0.0 == name }!
        return render(frame, rows: rows, cols: cols)
    }

    @Test func compareSplit80x24() {
        expectScreen(compare("compare"), """
         looptop compare   primes 150 ms  4 jobs/s  both on 2 cores      ? help  q quit
        ┌ BLOCKING ───────────────────── left ─┐┌ OFFLOADED ─────────────────── right ─┐
        │ p50 0.20 ms  p99 148 ms  max 151 ms  ││ p50 0.08 ms  p99 0.31 ms  max 1.2 ms │
        │               ▅▇▆█▄▆█▅▇▄▆█▄          ││                                      │
        │              ▂█████████████          ││                                      │
        │              ██████████████          ││                                      │
        │              ██████████████          ││                                      │
        │              ██████████████          ││                                      │
        │              ██████████████          ││                                      │
        │              ██████████████          ││                                      │
        │              ██████████████          ││                                      │
        │              ██████████████          ││                                      │
        │              ██████████████          ││                                      │
        │              ██████████████          ││                                      │
        │              ██████████████          ││                                      │
        │              ██████████████          ││                                      │
        │              ██████████████          ││                                      │
        │ ▁▁▁▁▁▁▁▁▁▁▁▁▁██████████████   150 ms ││ ▁▂▂▂▂▂▂▂▂▂▂▂▂▂▂▂▂▂▂▂▂▂▂▂▂▂▂  0.40 ms │
        │ req p99 162 ms p50 0.30 ms busy 61%  ││ req p99 3.4 ms p50 0.10 ms busy 12%  │
        │ queue 1 wait 140 ms run 150 ms       ││ queue 0 wait 0.20 ms run 150 ms      │
        │ workers 4  run 0  idle 4  busy 0%    ││ workers 4  run 2  idle 1  busy 61%   │
        └──────────────────────────────────────┘└──────────────────────────────────────┘
         requests wait 48× longer blocking: p99 162 ms vs 3.4 ms
         [ ] size  { } rate  w workload  space pause  + spawn  B burst  r reset
        """)
    }

    @Test func compareStacked40x12() {
        expectScreen(compare("compare-small"), """
         primes 150ms 4/s  both on 2 cores     ?
         BLOCKING  lag p99 148 ms  max 151 ms
         lag  ▁▁▁▁▁▁▁▁▁▁▁▁█████████████   150 ms
         req p99 162 ms  p50 0.30 ms  busy 61%
         queue 1  wait 140 ms  w 0/4  done 330
         OFFLOADED  lag p99 0.31 ms  max 1.2 ms

         lag  ▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁  0.40 ms
         req p99 3.4 ms  p50 0.10 ms  busy 12%
         queue 0  wait 0.20 ms  w 2/4  done 331
         blocking 48× longer: 162 ms vs 3.4 ms
         [ ] size  { } rate  w workload
        """)
    }

    @Test func compareBlockedNow140x40() {
        expectScreen(compare("compare-large"), """
         looptop compare   primes 150 ms  4 jobs/s  workers 4/4  both on 2 cores                                                     ? help  q quit
        ┌ BLOCKING ─────────────────────────────────────────────────── left ─┐┌ OFFLOADED ───────────────────────────────────────────────── right ─┐
        │ lag p50 0.20 ms  p99 148 ms  max 151 ms                            ││ lag p50 0.08 ms  p99 0.31 ms  max 1.2 ms                           │
        │                              ▁ ▅   ▃ ▇   ▄ █ ▂ ▆   ▃ ▇             ││                                                                    │
        │                              █ █ ▇ █ █ █ █ █ █ █ ▇ █ █ █           ││                                                                    │
        │                              █ █ █ █ █ █ █ █ █ █ █ █ █ █           ││                                                                    │
        │                              █ █ █ █ █ █ █ █ █ █ █ █ █ █           ││                                                                    │
        │                              █ █ █ █ █ █ █ █ █ █ █ █ █ █           ││                                                                    │
        │                              █ █ █ █ █ █ █ █ █ █ █ █ █ █           ││                                                                    │
        │                              █ █ █ █ █ █ █ █ █ █ █ █ █ █           ││                                                                    │
        │                              █ █ █ █ █ █ █ █ █ █ █ █ █ █           ││                                                                    │
        │                              █ █ █ █ █ █ █ █ █ █ █ █ █ █▂          ││                                                                    │
        │                              █ █ █ █ █ █ █ █ █ █ █ █▁█▆██          ││                                                                    │
        │                              █ █ █ █ █ █ █ █ █ █▁█▅██████          ││                                                                    │
        │                              █ █ █ █ █ █ █ █▁█▅██████████          ││                                                                    │
        │                              █ █ █ █ █ █ █▄██████████████          ││                                                                    │
        │                              █ █ █ █ █▄██████████████████          ││                                                                    │
        │                              █ █ █▄██████████████████████          ││                                                                    │
        │                              █▃█▇████████████████████████          ││                                                                    │
        │                              ████████████████████████████          ││                                                                    │
        │                              ████████████████████████████          ││                                                                    │
        │                              ████████████████████████████          ││                                                                    │
        │                              ████████████████████████████          ││                                                                    │
        │                              ████████████████████████████          ││                                                                    │
        │                              ████████████████████████████          ││                                                                    │
        │                              ████████████████████████████          ││                                                                    │
        │                              ████████████████████████████          ││                                                                    │
        │                              ████████████████████████████          ││                                                                    │
        │                              ████████████████████████████          ││                                                                    │
        │                              ████████████████████████████          ││                                                                    │
        │                              ████████████████████████████          ││                                                                    │
        │                              ████████████████████████████          ││                                                                    │
        │   ▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁████████████████████████████   150 ms ││                                                                    │
        │  BLOCKED 120 ms  by job #331 primes (150 ms blocking); 24 request… ││   ▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃  0.40 ms │
        │ requests p99 162 ms  p50 0.30 ms  busy 61%  waiting 24             ││ requests p99 3.4 ms  p50 0.10 ms  busy 12%                         │
        │ queue 1  wait p99 140 ms  run p50 150 ms  done 330  rejected 0     ││ queue 0  wait p99 0.20 ms  run p50 150 ms  done 331  rejected 0    │
        │ workers 4  running 0  idle 4  busy 0%                              ││ workers 4  running 2  idle 1  busy 61%                             │
        └────────────────────────────────────────────────────────────────────┘└────────────────────────────────────────────────────────────────────┘
         requests wait 48× longer blocking: p99 162 ms vs 3.4 ms
         [ ] size  { } rate  w workload  space pause  + spawn  B burst  r reset  m wait curve  z freeze  ? help
        """)
    }

    @Test func compareModeRefusal80x24() {
        expectScreen(compare("compare-notice"), """
         looptop compare   primes 150 ms  4 jobs/s  both on 2 cores      ? help  q quit
        ┌ BLOCKING ───────────────────── left ─┐┌ OFFLOADED ─────────────────── right ─┐
        │ p50 0.20 ms  p99 148 ms  max 151 ms  ││ p50 0.08 ms  p99 0.31 ms  max 1.2 ms │
        │               ▅▇▆█▅▇█▅▇▄▆█▅          ││                                      │
        │              ▃█████████████          ││                                      │
        │              ██████████████          ││                                      │
        │              ██████████████          ││                                      │
        │              ██████████████          ││                                      │
        │              ██████████████          ││                                      │
        │              ██████████████          ││                                      │
        │              ██████████████          ││                                      │
        │              ██████████████          ││                                      │
        │              ██████████████          ││                                      │
        │              ██████████████          ││                                      │
        │              ██████████████          ││                                      │
        │              ██████████████          ││                                      │
        │ ▁▁▁▁▁▁▁▁▁▁▁▁▁██████████████   150 ms ││ ▁▂▂▂▂▂▂▂▂▂▂▂▂▂▂▂▂▂▂▂▂▂▂▂▂▂▂  0.40 ms │
        │ req p99 162 ms p50 0.30 ms busy 61%  ││ req p99 3.4 ms p50 0.10 ms busy 12%  │
        │ queue 1 wait 140 ms run 150 ms       ││ queue 0 wait 0.20 ms run 150 ms      │
        │ workers 4  run 0  idle 4  busy 0%    ││ workers 4  run 2  idle 1  busy 61%   │
        └──────────────────────────────────────┘└──────────────────────────────────────┘
         compare: each side keeps its mode (--left, --right)
         requests wait 48× longer blocking: p99 162 ms vs 3.4 ms
         [ ] size  { } rate  w workload  space pause  + spawn  B burst  r reset
        """)
    }

    @Test func compareWaitCurve100x24() {
        expectScreen(compare("compare-curve"), """
         looptop compare   primes 150 ms  4 jobs/s  workers 4/4  both on 2 cores             ? help  q quit
        ┌ BLOCKING ─────────────────────────────── left ─┐┌ OFFLOADED ───────────────────────────── right ─┐
        │ lag p50 0.20 ms  p99 148 ms  max 151 ms        ││ lag p50 0.08 ms  p99 0.31 ms  max 1.2 ms       │
        │                                                ││                                            ███ │
        │                                                ││                                           ▃███ │
        │                                                ││                                           ████ │
        │                                                ││                                           ████ │
        │                                                ││                                          █████ │
        │                                                ││                                         ▃█████ │
        │                                                ││                                        ▁██████ │
        │                                                ││                                       ▁███████ │
        │                                                ││                                      ▃████████ │
        │                                                ││                                    ▁▅█████████ │
        │                                                ││                                  ▂▅███████████ │
        │                                                ││                              ▁▃▅▇█████████████ │
        │                                                ││                        ▁▂▃▄▆▇█████████████████ │
        │                                                ││ ▁▁▁▁▁▁▁▁▁▂▂▂▃▃▃▄▄▅▅▆▇▇████████████████████████ │
        │ wait curve: no job has run yet                 ││ 0/s           ↑ now 4/s: 7.4 ms           13/s │
        │ requests p99 162 ms  p50 0.30 ms  busy 61%     ││ requests p99 3.4 ms  p50 0.10 ms  busy 12%     │
        │ queue 1 wait 140 ms run 150 ms done 330 rej 0  ││ queue 0 wait 0.20 ms run 150 ms done 331 rej 0 │
        │ workers 4  running 0  idle 4  busy 0%          ││ workers 4  running 2  idle 1  busy 61%         │
        └────────────────────────────────────────────────┘└────────────────────────────────────────────────┘
         requests wait 48× longer blocking: p99 162 ms vs 3.4 ms
         [ ] size  { } rate  w workload  space pause  + spawn  B burst  r reset  m graphs  z freeze  ? help
        """)
    }

    @Test func compareKeysHelp80x24() {
        expectScreen(compare("compare-help"), """
         looptop compare   primes 150 ms  4 jobs/s  both on 2 cores      ? help  q quit
        ┌ BLOCKING ───────────────────── left ─┐┌ OFFLOADED ─────────────────── right ─┐
        │ p50 0.20 ms  p99 148 ms  max 151 ms  ││ p50 0.08 ms  p99 0.31 ms  max 1.2 ms │
        │               ▅▇▆█▄▆█▅▇▄▆█▄          ││                                      │
        │┌ Keys ──────────────────────────────────────── ? figures · any key closes ─┐ │
        ││ [  ]   job size: halve / double (both sides)                              │ │
        ││ {  }   arrival rate: halve / double (both)                                │ │
        ││ w      next workload (both)                                               │ │
        ││ space  pause / resume arrivals (both)                                     │ │
        ││ B      burst: 20 jobs at once (both)                                      │ │
        ││ +      spawn a worker (both)                                              │ │
        ││ r      reset statistics (both; job counts stay)                           │ │
        ││ m      predicted wait against the arrival rate, instead of the lag graphs │ │
        ││ t      next color theme                                                   │ │
        ││ z      freeze the display (the engines run on)                            │ │
        ││ b      mode: fixed per side (--left, --right)                             │ │
        ││ ?      this help; ? again: what each figure is                            │ │
        ││ q  ^C  quit                                                               │ │
        │└───────────────────────────────────────────────────────────────────────────┘ │
        │ queue 1 wait 140 ms run 150 ms       ││ queue 0 wait 0.20 ms run 150 ms      │
        │ workers 4  run 0  idle 4  busy 0%    ││ workers 4  run 2  idle 1  busy 61%   │
        └──────────────────────────────────────┘└──────────────────────────────────────┘
         requests wait 48× longer blocking: p99 162 ms vs 3.4 ms
         ? figures  any key closes the help  q quit
        """)
    }

    @Test func compareFiguresHelp120x30() {
        expectScreen(compare("compare-figures"), """
         looptop compare   primes 150 ms  4 jobs/s  workers 4/4  both on 2 cores                                 ? help  q quit
        ┌ BLOCKING ───────────────────────────────────────── left ─┐┌ OFFLOADED ─────────────────────────────────────── right ─┐
        │ lag p50 0.20 ms  p99 148 ms  max 151 ms                  ││ lag p50 0.08 ms  p99 0.31 ms  max 1.2 ms                 │
        │                         ▃▆ ▂ ▄▇ ▃ ▆█ ▄ ▇▂ ▅ █▃           ││                                                          │
        │                         ██ █ ██ █ ██ █ ██ █ ██           ││                                                          │
        │                        ▄██ █▅██ █▆██ █▇██ ████           ││                                                          │
        │                        ███ ████ ████ ████ ████           ││                                                          │
        │                        ███ ████ ████ ████ ████           ││                                                          │
        │                        ███ ████ ████ ████ ████           ││                                                          │
        │                        ███▃████▄████▅████▆████▇          ││                                                          │
        │           ┌ Figures ─────────────────────────────────────────────────────────── ? keys · any key closes ─┐           │
        │           │ lag p50 p99 max   how late each loop's 1 ms timer fires, last 5 s; graph: the last minute    │           │
        │           │ requests p99 p50  a request's time from due to answered, last 5 s                            │           │
        │           │ busy              share of wall time that side's loop ran jobs and requests, last 5 s        │           │
        │           │ queue  wait  run  jobs waiting now (pool and loop) / time queued p99 / run p50, last 5 s     │           │
        │           │ workers  busy     live workers, running and idle now; their mean busy share, last 5 s        │           │
        │           │ bottom line       the two sides' request p99 (last 5 s) and their ratio                      │           │
        │           │ both on N cores   the two engines share this machine's cores: each slows the other           │           │
        │           │ wait curve (m)    M/G/c predicted mean wait by arrival rate, from measured service; ↑ is now │           │
        │           └──────────────────────────────────────────────────────────────────────────────────────────────┘           │
        │                        ████████████████████████          ││                                                          │
        │                        ████████████████████████          ││                                                          │
        │                        ████████████████████████          ││                                                          │
        │ ▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁████████████████████████   150 ms ││ ▁▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃  0.40 ms │
        │ requests p99 162 ms  p50 0.30 ms  busy 61%               ││ requests p99 3.4 ms  p50 0.10 ms  busy 12%               │
        │ queue 1  wait 140 ms  run 150 ms  done 330  rej 0        ││ queue 0  wait 0.20 ms  run 150 ms  done 331  rej 0       │
        │ workers 4  running 0  idle 4  busy 0%                    ││ workers 4  running 2  idle 1  busy 61%                   │
        └──────────────────────────────────────────────────────────┘└──────────────────────────────────────────────────────────┘
         requests wait 48× longer blocking: p99 162 ms vs 3.4 ms
         ? keys  any key closes the help  q quit
        """)
    }

    @Test func queueModel100x30() {
        expectScreen(dashboard("queue-model"), """
         looptop   OFFLOADED   csv-parse 20 ms  40 jobs/s  workers 4 (2 cores)               ? help  q quit
        ┌ Event loop ───────────────── lag, last minute ─┐┌ Queue ────────────────────────── capacity 256 ─┐
        │ lag p50 0.08 ms  p99 0.31 ms  max 1.2 ms       ││ depth 12      ▃▆█     ▃▆█     ▃▆█   rejected 0 │
        │ late >10 ms 0%  >50 ms 0%  >100 ms 0%          ││             ▃████   ▃████   ▃████              │
        │                                                ││          ▃▆██████▃▆██████▃▆██████              │
        │                                                ││ sub 1204  done 1180  fail 0  cancel 10         │
        │                                                ││ wait p99 40 ms  run p50 20 ms  40 done/s       │
        │  ▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁  0.40 ms ││ predicted wait 5.7 ms · measured 3.9 ms        │
        │ busy 12%  requests 200/s  p99 0.90 ms          ││ a worker more: same · fewer: 5.7 ms            │
        │ hand-back p50 0.05 ms  p99 0.20 ms             ││ running 2  queued 12  on loop 0  run p99 24 ms │
        └────────────────────────────────────────────────┘└────────────────────────────────────────────────┘
        ┌ Workers ─────────────────────────────────────────────────────────────────────────────────────────┐
        │  ID STATE    JOB                    ELAPSED   DONE BUSY CPU/WALL WAIT   CSW/S ACTIVITY           │
        │   1 running  #1181 csv-parse 20 ms    12 ms    301  96%     0.51    —       — █████▂▃▆████▅▂▅▇███│
        │   2 idle     —                            —    290  60%     0.98    —       — ███▇▂▄▆████▄▂▅████▇│
        │   3 running  #1183 csv-parse 20 ms   3.0 ms    288  88%     0.55    —       — ████▅▂▅▇████▂▃▆████│
        │   4 starting —                            —      0   0%        —    —       —                    │
        │                                                                                                  │
        │                                                                                                  │
        │                                                                                                  │
        │                                                                                                  │
        │                                                                                                  │
        │                                                                                                  │
        │                                                                                                  │
        │                                                                                                  │
        └──────────────────────────────────────────────────────────────────────────────────────────────────┘
         12:00:47 worker 4 spawned
         12:00:58 mode offloaded
         12:01:05 worker 5 exited (terminated; job #1179 cancelled)
         + spawn  - terminate  b mode  w workload  [ ] size  { } rate  space pause  z freeze  ↑↓ select
        """)
    }

    @Test func queueModelTwoWorkers100x30() {
        expectScreen(dashboard("queue-model-two"), """
         looptop   OFFLOADED   csv-parse 20 ms  40 jobs/s  workers 2 (2 cores)               ? help  q quit
        ┌ Event loop ───────────────── lag, last minute ─┐┌ Queue ────────────────────────── capacity 256 ─┐
        │ lag p50 0.08 ms  p99 0.31 ms  max 1.2 ms       ││ depth 12      ▃▆█     ▃▆█     ▃▆█   rejected 0 │
        │ late >10 ms 0%  >50 ms 0%  >100 ms 0%          ││             ▃████   ▃████   ▃████              │
        │                                                ││          ▃▆██████▃▆██████▃▆██████              │
        │                                                ││ sub 1204  done 1180  fail 0  cancel 10         │
        │                                                ││ wait p99 40 ms  run p50 20 ms  40 done/s       │
        │  ▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁  0.40 ms ││ predicted wait 5.7 ms · measured 3.9 ms        │
        │ busy 12%  requests 200/s  p99 0.90 ms          ││ a worker more: same · fewer: unstable          │
        │ hand-back p50 0.05 ms  p99 0.20 ms             ││ running 2  queued 12  on loop 0  run p99 24 ms │
        └────────────────────────────────────────────────┘└────────────────────────────────────────────────┘
        ┌ Workers ─────────────────────────────────────────────────────────────────────────────────────────┐
        │  ID STATE    JOB                    ELAPSED   DONE BUSY CPU/WALL WAIT   CSW/S ACTIVITY           │
        │   1 running  #1181 csv-parse 20 ms    12 ms    301  96%     0.51    —       — █████▂▃▆████▅▂▅▇███│
        │   2 idle     —                            —    290  60%     0.98    —       — ███▇▂▄▆████▄▂▅████▇│
        │                                                                                                  │
        │                                                                                                  │
        │                                                                                                  │
        │                                                                                                  │
        │                                                                                                  │
        │                                                                                                  │
        │                                                                                                  │
        │                                                                                                  │
        │                                                                                                  │
        │                                                                                                  │
        └──────────────────────────────────────────────────────────────────────────────────────────────────┘
         12:00:47 worker 4 spawned
         12:00:58 mode offloaded
         12:01:05 worker 5 exited (terminated; job #1179 cancelled)
         + spawn  - terminate  b mode  w workload  [ ] size  { } rate  space pause  z freeze  ↑↓ select
        """)
    }

    @Test func queueUnstable100x30() {
        expectScreen(dashboard("queue-unstable"), """
         looptop   OFFLOADED   csv-parse 20 ms  40 jobs/s  workers 4 (2 cores)               ? help  q quit
        ┌ Event loop ───────────────── lag, last minute ─┐┌ Queue ────────────────────────── capacity 256 ─┐
        │ lag p50 0.08 ms  p99 0.31 ms  max 1.2 ms       ││ depth 12      ▃▆█     ▃▆█     ▃▆█   rejected 0 │
        │ late >10 ms 0%  >50 ms 0%  >100 ms 0%          ││             ▃████   ▃████   ▃████              │
        │                                                ││          ▃▆██████▃▆██████▃▆██████              │
        │                                                ││ sub 1204  done 1180  fail 0  cancel 10         │
        │                                                ││ wait p99 40 ms  run p50 20 ms  40 done/s       │
        │  ▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁  0.40 ms ││ unstable: queue grows (1.30) · measured 3.9 ms │
        │ busy 12%  requests 200/s  p99 0.90 ms          ││ a worker more: same · fewer: unstable          │
        │ hand-back p50 0.05 ms  p99 0.20 ms             ││ running 2  queued 12  on loop 0  run p99 24 ms │
        └────────────────────────────────────────────────┘└────────────────────────────────────────────────┘
        ┌ Workers ─────────────────────────────────────────────────────────────────────────────────────────┐
        │  ID STATE    JOB                    ELAPSED   DONE BUSY CPU/WALL WAIT   CSW/S ACTIVITY           │
        │   1 running  #1181 csv-parse 20 ms    12 ms    301  96%     0.51    —       — █████▂▃▆████▅▂▅▇███│
        │   2 idle     —                            —    290  60%     0.98    —       — ███▇▂▄▆████▄▂▅████▇│
        │   3 running  #1183 csv-parse 20 ms   3.0 ms    288  88%     0.55    —       — ████▅▂▅▇████▂▃▆████│
        │   4 starting —                            —      0   0%        —    —       —                    │
        │                                                                                                  │
        │                                                                                                  │
        │                                                                                                  │
        │                                                                                                  │
        │                                                                                                  │
        │                                                                                                  │
        │                                                                                                  │
        │                                                                                                  │
        └──────────────────────────────────────────────────────────────────────────────────────────────────┘
         12:00:47 worker 4 spawned
         12:00:58 mode offloaded
         12:01:05 worker 5 exited (terminated; job #1179 cancelled)
         + spawn  - terminate  b mode  w workload  [ ] size  { } rate  space pause  z freeze  ↑↓ select
        """)
    }

    @Test func queueCurve100x30() {
        expectScreen(dashboard("queue-curve"), """
         looptop   OFFLOADED   csv-parse 20 ms  40 jobs/s  workers 4 (2 cores)               ? help  q quit
        ┌ Event loop ───────────────── lag, last minute ─┐┌ Queue ────────────────────────── capacity 256 ─┐
        │ lag p50 0.08 ms  p99 0.31 ms  max 1.2 ms       ││                                        ▁▂▄▇███ │
        │ late >10 ms 0%  >50 ms 0%  >100 ms 0%          ││ ▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▂▂▂▂▂▂▃▃▃▃▄▄▅▅▆▇▇███████ │
        │                                                ││ 0/s         now 60/s: 5.7 ms ↑            95/s │
        │                                                ││ sub 1204  done 1180  fail 0  cancel 10         │
        │                                                ││ wait p99 40 ms  run p50 20 ms  40 done/s       │
        │  ▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁  0.40 ms ││ predicted wait 5.7 ms · measured 3.9 ms        │
        │ busy 12%  requests 200/s  p99 0.90 ms          ││ a worker more: same · fewer: 5.7 ms            │
        │ hand-back p50 0.05 ms  p99 0.20 ms             ││ running 2  queued 12  on loop 0  run p99 24 ms │
        └────────────────────────────────────────────────┘└────────────────────────────────────────────────┘
        ┌ Workers ─────────────────────────────────────────────────────────────────────────────────────────┐
        │  ID STATE    JOB                    ELAPSED   DONE BUSY CPU/WALL WAIT   CSW/S ACTIVITY           │
        │   1 running  #1181 csv-parse 20 ms    12 ms    301  96%     0.51    —       — █████▂▃▆████▅▂▅▇███│
        │   2 idle     —                            —    290  60%     0.98    —       — ███▇▂▄▆████▄▂▅████▇│
        │   3 running  #1183 csv-parse 20 ms   3.0 ms    288  88%     0.55    —       — ████▅▂▅▇████▂▃▆████│
        │   4 starting —                            —      0   0%        —    —       —                    │
        │                                                                                                  │
        │                                                                                                  │
        │                                                                                                  │
        │                                                                                                  │
        │                                                                                                  │
        │                                                                                                  │
        │                                                                                                  │
        │                                                                                                  │
        └──────────────────────────────────────────────────────────────────────────────────────────────────┘
         12:00:47 worker 4 spawned
         12:00:58 mode offloaded
         12:01:05 worker 5 exited (terminated; job #1179 cancelled)
         + spawn  - terminate  b mode  w workload  [ ] size  { } rate  space pause  z freeze  ↑↓ select
        """)
    }

    @Test func queueModel80x24() {
        expectScreen(dashboard("queue-model-80"), """
         looptop   OFFLOADED   csv-parse 20 ms  40 jobs/s  workers 4 (2 cores)   ? help
        ┌ Event loop ─────── lag, last minute ─┐┌ Queue ──────────────── capacity 256 ─┐
        │ p50 0.08 ms  p99 0.31 ms  max 1.2 ms ││ depth 12 ▂▄▆██▂▄▇██▃▅▇█   rejected 0 │
        │ >10ms 0%  >50ms 0%  >100ms 0%        ││ sub 1204 done 1180 fail 0 cancel 10  │
        │                                      ││ wait 40 ms  run 20 ms  40 done/s     │
        │ ▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁  0.40 ms ││ predicted 5.7 ms · measured 3.9 ms   │
        │ busy 12%  req 200/s  p99 0.90 ms     ││ a worker more: same · fewer: 5.7 ms  │
        │ hand-back p50 0.05 ms  p99 0.20 ms   ││ run 2 queued 12 on loop 0            │
        └──────────────────────────────────────┘└──────────────────────────────────────┘
        ┌ Workers ─────────────────────────────────────────────────────────────────────┐
        │  ID STATE    JOB           ELAPSED   DONE BUSY CPU/WALL WAIT   CSW/S ACTIVITY│
        │   1 running  #1181 csv-pa…   12 ms    301  96%     0.51    —       — ██▃██▃▇█│
        │   2 idle     —                   —    290  60%     0.98    —       — █▅▅█▆▄██│
        │   3 running  #1183 csv-pa…  3.0 ms    288  88%     0.55    —       — █▇▄██▃██│
        │   4 starting —                   —      0   0%        —    —       —         │
        │                                                                              │
        │                                                                              │
        │                                                                              │
        │                                                                              │
        │                                                                              │
        └──────────────────────────────────────────────────────────────────────────────┘
         12:00:58 mode offloaded
         12:01:05 worker 5 exited (terminated; job #1179 cancelled)
         + spawn  - terminate  b mode  w workload  [ ] size  { } rate  space pause
        """)
    }
}
