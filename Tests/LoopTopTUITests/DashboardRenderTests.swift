import Testing
import LoopTopTUI
import LoopTopEngine

/// Whole screens rendered from hand-built snapshots and compared as text.
/// A failure prints a line diff. The scenarios are in DashboardScenarios.swift;
/// `LOOPTOP_TUI_PREVIEW=1 swift test --filter preview` prints them all.
struct DashboardRenderTests {
    func screen(_ name: String) -> MemoryScreen {
        let (_, frame, rows, cols) = DashboardScenarios.all.first { $0.0 == name }!
        return render(frame, rows: rows, cols: cols)
    }

    @Test func offloadedSketch100x30() {
        expectScreen(screen("offloaded"), """
         looptop   OFFLOADED   csv-parse 20 ms  40 jobs/s  workers 4 (2 cores)               ? help  q quit
        ┌ Event loop ───────────────── lag, last minute ─┐┌ Queue ────────────────────────── capacity 256 ─┐
        │ lag p50 0.08 ms  p99 0.31 ms  max 1.2 ms       ││ depth 12       ▄█      ▄█      ▄█   rejected 0 │
        │ late >10 ms 0%  >50 ms 0%  >100 ms 0%          ││              ▃███    ▃███    ▃███              │
        │                                                ││             ▂████   ▂████   ▂████              │
        │                                                ││           ▁▆█████ ▁▆█████ ▁▆█████              │
        │                                                ││          ▅███████▅███████▅███████              │
        │  ▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁  0.40 ms ││ sub 1204  done 1180  fail 0  cancel 10         │
        │ busy 12%  requests 200/s  p99 0.90 ms          ││ wait p99 40 ms  run p50 20 ms  40 done/s       │
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

    @Test func blockingWithStallAndBlame100x30() {
        expectScreen(screen("blocking"), """
         looptop   BLOCKING   primes 200 ms (run p50 20 ms)  40 jobs/s  workers 4 (2 cores)  ? help  q quit
        ┌ Event loop ───────────────── lag, last minute ─┐┌ Queue ────────────────────────── capacity 256 ─┐
        │ lag p50 95 ms  p99 780 ms  max 812 ms          ││ depth 21       ▄█      ▄█      ▄█   rejected 0 │
        │ late >10 ms 0%  >50 ms 0%  >100 ms 0%          ││              ▃███    ▃███    ▃███              │
        │                    ██▆▇██▇▃████▁▇██▆▇          ││             ▂████   ▂████   ▂████              │
        │                    ██████████████████          ││           ▁▆█████ ▁▆█████ ▁▆█████              │
        │                    ██████████████████          ││          ▅███████▅███████▅███████              │
        │  ▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁██████████████████   812 ms ││ sub 1204  done 1180  fail 0  cancel 10         │
        │ busy 99%  req 200/s  p99 790 ms  wait 23       ││ wait p99 40 ms  run p50 20 ms  40 done/s       │
        │  BLOCKED 812 ms  by job #1177 primes (200 ms … ││ running 2  queued 12  on loop 9  run p99 24 ms │
        └────────────────────────────────────────────────┘└────────────────────────────────────────────────┘
        ┌ Workers ─────────────────────────────────────────────────────────────────────────────────────────┐
        │  ID STATE    JOB                    ELAPSED   DONE BUSY CPU/WALL WAIT   CSW/S ACTIVITY           │
        │   1 idle     —                            —    301   0%        —    —       — █████▂▃▆████▅▂▅▇███│
        │   2 idle     —                            —    290   0%        —    —       — ███▇▂▄▆████▄▂▅████▇│
        │   3 idle     —                            —    288   0%        —    —       — ████▅▂▅▇████▂▃▆████│
        │   4 idle     —                            —      0   0%        —    —       —                    │
        │                                                                                                  │
        │                                                                                                  │
        │                                                                                                  │
        │                                                                                                  │
        │                                                                                                  │
        │                                                                                                  │
        │                                                                                                  │
        └──────────────────────────────────────────────────────────────────────────────────────────────────┘
         ▲ loop blocked 812 ms by job #1177 primes; 23 requests waiting
         12:00:47 worker 4 spawned
         12:00:58 mode offloaded
         12:01:05 worker 5 exited (terminated; job #1179 cancelled)
         + spawn  - terminate  b mode  w workload  [ ] size  { } rate  space pause  z freeze  ↑↓ select
        """)
    }

    @Test func compactBlocking40x12() {
        expectScreen(screen("compact"), """
         BLOCKING  primes 200 ms 40/s 4w/2c    ?
        loop  p99 780 ms max 812 ms >50ms 0%
         BLOCKED 812 ms  by job #1177 primes (2…
        queue 21 done 1180 fail 0 rej 0 canc 10
        ┌ Workers ──────────────────────── ↓1 ─┐
        │  ID STATE    JOB        BUSY ACTIVITY│
        │   1 idle     —            0% ██▃██▃▇█│
        │   2 idle     —            0% █▅▅█▆▄██│
        │   3 idle     —            0% █▇▄██▃██│
        └──────────────────────────────────────┘
         ▲ loop blocked 812 ms by job #1177 pri…
         + spawn  - terminate  b mode
        """)
    }

    @Test func wide120x36() {
        expectScreen(screen("wide"), """
         looptop   OFFLOADED   csv-parse 20 ms (run p50 20 ms)  40 jobs/s  workers 4 (2 cores)                   ? help  q quit
        ┌ Event loop ─────────────────────────── lag, last minute ─┐┌ Queue ──────────────────────────────────── capacity 256 ─┐
        │ lag p50 0.08 ms  p99 0.31 ms  max 1.2 ms                 ││ depth 12          ▄██        ▄██        ▄██   rejected 0 │
        │ late >10 ms 0%  >50 ms 0%  >100 ms 0%                    ││                 ▃████      ▃████      ▃████              │
        │                                                          ││               ▂▇█████    ▂▇█████    ▂▇█████              │
        │                                                          ││            ▁▁▆███████  ▁▆███████  ▁▆███████              │
        │                                                          ││          ▁▅██████████▅▅█████████▁▅█████████              │
        │ ▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁  0.40 ms ││ submitted 1204  done 1180  failed 0  cancelled 10        │
        │ busy 12%  requests 200/s  p99 0.90 ms                    ││ wait p99 40 ms  run p50 20 ms  40 done/s                 │
        │ hand-back p50 0.05 ms  p99 0.20 ms                       ││ running 2  queued 12  on loop 0  run p99 24 ms           │
        └──────────────────────────────────────────────────────────┘└──────────────────────────────────────────────────────────┘
        ┌ Workers ─────────────────────────────────────────────────────────────────────────────────────────────────────────────┐
        │  ID STATE    JOB                    ELAPSED   DONE BUSY CPU/WALL WAIT   CSW/S ACTIVITY                               │
        │   1 running  #1181 csv-parse 20 ms    12 ms    301  96%     0.51    —       —  █████████▇▂▂▂▅▅▇████████▇▂▂▂▅▅▇███████│
        │   2 idle     —                            —    290  60%     0.98    —       —  ███████▆▂▂▂▅▅▇████████▆▂▂▂▅▅▇████████▆│
        │   3 running  #1183 csv-parse 20 ms   3.0 ms    288  88%     0.55    —       —  █████████▂▂▂▅▅▆█████████▂▂▂▅▅▆████████│
        │   4 starting —                            —      0   0%        —    —       —                                        │
        │                                                                                                                      │
        │                                                                                                                      │
        │                                                                                                                      │
        │                                                                                                                      │
        │                                                                                                                      │
        │                                                                                                                      │
        │                                                                                                                      │
        │                                                                                                                      │
        │                                                                                                                      │
        │                                                                                                                      │
        │                                                                                                                      │
        │                                                                                                                      │
        │                                                                                                                      │
        │                                                                                                                      │
        └──────────────────────────────────────────────────────────────────────────────────────────────────────────────────────┘
         12:00:47 worker 4 spawned
         12:00:58 mode offloaded
         12:01:05 worker 5 exited (terminated; job #1179 cancelled)
         + spawn  - terminate  b mode  w workload  [ ] size  { } rate  space pause  z freeze  ↑↓ select  ↵ detail  l log  s sor…
        """)
    }

    @Test func sixtyFourWorkersScrolledToTheSelection() {
        expectScreen(screen("many"), """
         looptop   OFFLOADED   csv-parse 20 ms (run p50 20 ms)  40 jobs/s  workers 64 (2 cores)                  ? help  q quit
        ┌ Event loop ─────────────────────────── lag, last minute ─┐┌ Queue ──────────────────────────────────── capacity 256 ─┐
        │ lag p50 0.08 ms  p99 0.31 ms  max 1.2 ms                 ││ depth 12       ▁▃▅▇██     ▁▃▅▇██     ▁▃▅▇██   rejected 0 │
        │                                                          ││          ▁▂▄▄▆███████▂▂▄▆███████▁▂▄▆███████              │
        │ ▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁  0.40 ms ││ submitted 1204  done 1180  failed 0  cancelled 10        │
        │ busy 12%  requests 200/s  p99 0.90 ms                    ││ wait p99 40 ms  run p50 20 ms  40 done/s                 │
        │ hand-back p50 0.05 ms  p99 0.20 ms                       ││ running 2  queued 12  on loop 0  run p99 24 ms           │
        └──────────────────────────────────────────────────────────┘└──────────────────────────────────────────────────────────┘
        ┌ Workers ─────────────────────────────────────────────────────────────────────────────────────────────────── ↑20 ↓24 ─┐
        │  ID STATE    JOB                    ELAPSED   DONE BUSY CPU/WALL WAIT   CSW/S ACTIVITY                               │
        │  21 idle     —                            —    121  10%     0.03    —       —  ▄▂▂▂▅▅▇████████▆▂▂▂▅▅▇████████▆▂▂▂▅▅▇█│
        │  22 running  #2022 csv-parse 20 ms   2.0 ms    122  90%     0.03    —       —  ▂▂▂▄▅▆█████████▃▂▂▄▅▆█████████▃▂▂▄▅▆██│
        │  23 running  #2023 csv-parse 20 ms   3.0 ms    123  90%     0.03    —       —  ▂▂▂▅▅▇████████▇▂▂▂▅▅▇████████▇▂▂▂▅▅▇██│
        │  24 idle     —                            —    124  10%     0.03    —       —  ▂▂▃▅▅█████████▄▂▂▃▅▅█████████▄▂▂▃▅▅███│
        │  25 running  #2025 csv-parse 20 ms   5.0 ms    125  90%     0.03    —       —  ▂▂▅▅▇█████████▂▂▂▅▅▇█████████▂▂▂▅▅▇███│
        │  26 running  #2026 csv-parse 20 ms   6.0 ms    126  90%     0.03    —       —  ▂▃▅▅█████████▅▂▂▃▅▅█████████▅▂▂▃▅▅████│
        │  27 idle     —                            —    127  10%     0.03    —       —  ▂▅▅▆█████████▂▂▂▅▅▆█████████▂▂▂▅▅▆████│
        │  28 running  #2028 csv-parse 20 ms   8.0 ms    128  90%     0.03    —       —  ▃▅▅▇████████▆▂▂▃▅▅▇████████▆▂▂▃▅▅▇████│
        │  29 running  #2029 csv-parse 20 ms   9.0 ms    129  90%     0.03    —       —  ▅▅▆█████████▃▂▂▄▅▆█████████▃▂▂▄▅▆█████│
        │  30 idle     —                            —    130  10%     0.03    —       —  ▅▅▇████████▆▂▂▂▅▅▇████████▆▂▂▂▅▅▇█████│
        │  31 running  #2031 csv-parse 20 ms    11 ms    131  90%     0.03    —       —  ▅▅█████████▄▂▂▄▅▅█████████▄▂▂▄▅▅██████│
        │  32 running  #2032 csv-parse 20 ms    12 ms    132  90%     0.03    —       —  ▅▇████████▇▂▂▂▅▅▇████████▇▂▂▂▅▅▇██████│
        │  33 idle     —                            —    133  10%     0.03    —       —  ▅█████████▅▂▂▃▅▅█████████▅▂▂▃▅▅███████│
        │  34 running  #2034 csv-parse 20 ms    14 ms    134  90%     0.03    —       —  ▇█████████▂▂▂▅▅▆█████████▂▂▂▅▅▆███████│
        │  35 running  #2035 csv-parse 20 ms    15 ms    135  90%     0.03    —       —  █████████▅▂▂▃▅▅█████████▅▂▂▃▅▅████████│
        │  36 idle     —                            —    136  10%     0.03    —       —  █████████▂▂▂▄▅▆█████████▂▂▂▄▅▆████████│
        │  37 running  #2037 csv-parse 20 ms    17 ms    137  90%     0.03    —       —  ████████▆▂▂▂▅▅▇████████▆▂▂▂▅▅▇████████│
        │  38 running  #2038 csv-parse 20 ms    18 ms    138  90%     0.03    —       —  ████████▃▂▂▄▅▆█████████▃▂▂▄▅▆█████████│
        │  39 idle     —                            —    139  10%     0.03    —       —  ███████▇▂▂▂▅▅▇████████▇▂▂▂▅▅▇████████▇│
        │> 40 running  #2040 csv-parse 20 ms     0 ms    140  90%     0.03    —       —  ███████▄▂▂▃▅▅█████████▄▂▂▃▅▅█████████▄│
        └──────────────────────────────────────────────────────────────────────────────────────────────────────────────────────┘
         ▲ 64 workers on 2 cores: each gets 0.03 of a core
         12:00:47 worker 4 spawned
         12:00:58 mode offloaded
         12:01:05 worker 5 exited (terminated; job #1179 cancelled)
         + spawn  - terminate  b mode  w workload  [ ] size  { } rate  space pause  z freeze  ↑↓ select  ↵ detail  l log  s sor…
        """)
    }

    @Test func tooSmall30x8() {
        expectScreen(screen("small"), """


             looptop needs 40x12
             this terminal: 30x8
                   q quits
        """)
    }

    @Test func workerDetail100x30() {
        expectScreen(screen("detail"), """
         looptop   OFFLOADED   csv-parse 20 ms  40 jobs/s  workers 4 (2 cores)               ? help  q quit
        ┌ Worker 1 · looptop-w1 · tid 4101 ────────────────────────────────────────────────────── running ─┐
        │ state running  job #1181 csv-parse (20 ms)  elapsed 12 ms                                        │
        │ done 301 (since start) failed 0 busy 96% (last 5 s) cpu/wall 0.51 cpu 6.02 s startup 0.21 ms     │
        │ run p50 20 ms  p99 24 ms  max 31 ms  jobs 301 (last 5 s)                                         │
        │ cpu wait —                                                                                       │
        │ activity  █████████████████████▆▂▂▂▂▂▂▂▅▅▅▅▅▆█████████████████████▂▂▂▂▂▂▂▅▅▅▅▅▆█████████████████ │
        └──────────────────────────────────────────────────────────────────────────────────────────────────┘
        ┌ Recent jobs ────────────────────────────── newest first ─┐┌ Run time ────────── 126 since start ─┐
        │ JOB     WORKLOAD  OUTCOME       WAIT      RUN      ENDED ││ ≤ 8.0 ms █                         2 │
        │ #1171   csv-parse completed   8.0 ms    23 ms 100 ms ago ││  ≤ 16 ms █████████████            41 │
        │ #1170   csv-parse completed   4.0 ms    25 ms 200 ms ago ││  ≤ 32 ms ████████████████████████ 77 │
        │ #1169   csv-parse completed     0 ms    18 ms 300 ms ago ││  ≤ 64 ms ██                        6 │
        │ #1168   csv-parse completed   8.0 ms    20 ms 400 ms ago ││                                      │
        │ #1167   csv-parse completed   4.0 ms    22 ms 500 ms ago ││                                      │
        │ #1166   csv-parse completed     0 ms    24 ms 600 ms ago ││                                      │
        │ #1165   csv-parse completed   8.0 ms    26 ms 700 ms ago ││                                      │
        │ #1164   csv-parse failed      4.0 ms    19 ms 800 ms ago ││                                      │
        │ #1163   csv-parse completed     0 ms    21 ms 900 ms ago ││                                      │
        │ #1162   csv-parse completed   8.0 ms    23 ms 1.00 s ago ││                                      │
        │ #1161   csv-parse completed   4.0 ms    25 ms 1.10 s ago ││                                      │
        │ #1160   csv-parse completed     0 ms    18 ms 1.20 s ago ││                                      │
        │                                                          ││                                      │
        │                                                          ││                                      │
        │                                                          ││                                      │
        │                                                          ││                                      │
        │                                                          ││                                      │
        │                                                          ││                                      │
        └──────────────────────────────────────────────────────────┘└──────────────────────────────────────┘
         Esc back  ↑↓ worker  - terminate  x fault  + spawn  b mode  z freeze
        """)
    }

    @Test func workerDetail40x12() {
        expectScreen(screen("detail-compact"), """
         OFFLOADED  csv-parse 20 ms 40/s 4w/2c ?
        ┌ Worker 1 · looptop-w1 · tid 4101 ────┐
        │ state running  job #1181 csv-parse … │
        │ done 301 (since start) failed 0      │
        └──────────────────────────────────────┘
        ┌ Recent jobs ────────── newest first ─┐
        │ JOB     OUTCOME       WAIT      RUN  │
        │ #1171   completed   8.0 ms    23 ms  │
        │ #1170   completed   4.0 ms    25 ms  │
        │ #1169   completed     0 ms    18 ms  │
        └──────────────────────────────────────┘
         Esc back  ↑↓ worker  - terminate
        """)
    }

    @Test func helpOverlay() {
        expectScreen(screen("help"), """
         looptop   OFFLOADED   csv-parse 20 ms  40 jobs/s  workers 4 (2 cores)               ? help  q quit
        ┌ Event loop ───────────────── lag, last minute ─┐┌ Queue ────────────────────────── capacity 256 ─┐
        │ lag p50 0.08 ms  p99 0.31 ms  max 1.2 ms       ││ depth 12       ▄█      ▄█      ▄█   rejected 0 │
        │ late >10 m┌ Keys ─────────────────────────────────────── ? figures · any key closes ─┐           │
        │           │ +        spawn a worker                                                  │           │
        │           │ -        terminate the selected worker (else the newest)                 │           │
        │           │ b        mode: blocking → chunked → offloaded                            │           │
        │  ▁▁▁▁▁▁▁▁▁│ w        next workload                                                   │10         │
        │ busy 12%  │ [  ]     job size: halve / double                                        │ne/s       │
        │ hand-back │ {  }     arrival rate: halve / double                                    │ p99 24 ms │
        └───────────│ space    pause / resume arrivals                                         │───────────┘
        ┌ Workers ──│ B        burst: 20 jobs at once                                          │───────────┐
        │  ID STATE │ x        inject a fault into the selected worker                         │           │
        │   1 runnin│ r        reset statistics (job counts stay)                              │████▅▂▅▇███│
        │   2 idle  │ t        next color theme                                                │███▄▂▅████▇│
        │   3 runnin│ z        freeze the display (the engine runs on)                         │████▂▃▆████│
        │   4 starti│ ↑ ↓ j k  select a worker (PgUp PgDn Home End)                            │           │
        │           │ s        sort the workers: id, state, DONE, BUSY, CPU/WALL, WAIT, CSW/S  │           │
        │           │ e        hide / show ended workers                                       │           │
        │           │ m        queue: predicted wait by arrival rate, or the depth graph       │           │
        │           │ l        focus the event log: ↑ ↓ PgUp PgDn Home End scroll it, Esc back │           │
        │           │ Enter ↵  worker detail                                                   │           │
        │           │ Esc      back (close detail, help, selection)                            │           │
        │           │ ?        this help; ? again: what each figure is                         │           │
        │           │ q  ^C    quit                                                            │           │
        └───────────└──────────────────────────────────────────────────────────────────────────┘───────────┘
         12:00:47 worker 4 spawned
         12:00:58 mode offloaded
         12:01:05 worker 5 exited (terminated; job #1179 cancelled)
         ? figures  any key closes the help  q quit
        """)
    }

    @Test func frozenAndPausedMarks() {
        expectScreen(screen("frozen-paused"), """
         looptop   OFFLOADED   FROZEN   PAUSED   csv-parse 20 ms  40 jobs/s  workers 4 (2 cores)     ? help
        ┌ Event loop ───────────────── lag, last minute ─┐┌ Queue ────────────────────────── capacity 256 ─┐
        │ lag p50 0.08 ms  p99 0.31 ms  max 1.2 ms       ││ depth 12       ▄█      ▄█      ▄█   rejected 0 │
        │ late >10 ms 0%  >50 ms 0%  >100 ms 0%          ││              ▃███    ▃███    ▃███              │
        │                                                ││             ▂████   ▂████   ▂████              │
        │                                                ││           ▁▆█████ ▁▆█████ ▁▆█████              │
        │                                                ││          ▅███████▅███████▅███████              │
        │  ▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁  0.40 ms ││ sub 1204  done 1180  fail 0  cancel 10         │
        │ busy 12%  requests 200/s  p99 0.90 ms          ││ wait p99 40 ms  run p50 20 ms  40 done/s       │
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
         + spawn  - terminate  b mode  w workload  [ ] size  { } rate  space resume  z unfreeze  ↑↓ select
        """)
    }

}
