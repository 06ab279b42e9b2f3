// The lessons that ship with looptop, one for each idea of the Node.js
// worker_threads model. Each is plain lesson TOML (the same format a user
// writes), parsed and tested headless like any other.

extension Lesson {
    /// Name and TOML text of each built-in lesson, in teaching order.
    public static let builtIn: [(name: String, text: String)] = [
        ("blocked-loop", """
            title = "The blocked loop"
            summary = "A 200 ms job on the event loop and what requests feel; then the same job offloaded."
            [setup]
            workers = 2
            do = ["workload spin", "job-ms 200", "rate 2", "request-rate 200", "mode offloaded"]

            [[step]]
            caption = "Requests arrive 200 times a second; 200 ms jobs go to two workers. The loop is free: lag and request latency stay around a millisecond."
            settle = 1
            seconds = 3
            check = "lag_p99 < 50 and request_p99 < 50"

            [[step]]
            caption = "The same jobs now run on the loop (blocking). Each holds every timer and request for 200 ms: lag max and request p99 jump to about 200 ms."
            do = ["mode blocking"]
            seconds = 4
            check = "lag_max > 100 and request_p99 > 80"

            [[step]]
            caption = "Back to the workers (offloaded): the loop answers within a millisecond again, while each job still takes 200 ms, elsewhere."
            do = ["mode offloaded"]
            settle = 1.5
            seconds = 3
            check = "lag_p99 < 50 and completed >= 2"
            """),
        ("side-by-side", """
            title = "Blocking and offloaded, side by side"
            summary = "Two engines under the same load at once: the left runs jobs on its event loop, the right hands them to its workers."
            [compare]
            left = "blocking"
            right = "offloaded"
            [setup]
            workers = 2
            do = ["workload spin", "job-ms 200", "rate 2", "request-rate 200"]

            [[step]]
            caption = "Both sides get the same 200 ms jobs, two a second. Look at lag max: on the left (blocking) each job holds the loop, so it reads about 200 ms. On the right (offloaded) the workers run them, and lag p99 stays near a millisecond."
            settle = 1
            seconds = 4
            check = "left.lag_max > 150 and right.lag_p99 < 30"

            [[step]]
            caption = "Now small jobs: 2 ms each, 50 a second. A job holds the left loop for only 2 ms, so both sides' lag stays within a few milliseconds. Blocking hurts in proportion to how long one job runs."
            do = ["job-ms 2", "rate 50"]
            settle = 1
            seconds = 4
            check = "left.lag_p99 < 30 and right.lag_p99 < 30 and left.completed >= 50 and right.completed >= 50"

            [[step]]
            caption = "A burst: ten 100 ms jobs at once, nothing after. The left loop runs them one after another for a whole second, and every request waits behind a job: look at its requests p99, 100 ms or more. The right queues them for its two workers; its loop keeps answering in a millisecond."
            do = ["rate 0", "job-ms 100", "burst 10"]
            seconds = 4
            check = "left.request_p99 > 50 and right.request_p99 < 30 and left.completed >= 10 and right.completed >= 10"
            """),
        ("partitioning", """
            title = "Partitioning instead of threads"
            summary = "The same 200 ms job run on the loop in 1 ms slices: a responsive loop without any worker."
            [setup]
            workers = 0
            do = ["workload primes", "job-ms 200", "rate 2", "mode blocking"]

            [[step]]
            caption = "Blocking: with no workers at all, each 200 ms job holds the loop, and lag max reads about 200 ms."
            until = "lag_max > 100"
            timeout = 10
            check = "lag_max > 100"

            [[step]]
            caption = "Chunked: the loop runs each job 1 ms at a time and serves timers and requests between slices. Lag stays near the slice size, still with no worker."
            do = ["mode chunked"]
            settle = 1
            seconds = 3
            check = "lag_p99 < 20 and completed >= 2"

            [[step]]
            caption = "The price: the loop still does all the computing itself. Loop busy stays near 40% (two 200 ms jobs a second), as when it blocked: chunking shares the loop out fairly, it adds no core."
            seconds = 2
            check = "loop_busy > 0.2 and completed >= 1"
            """),
        ("tiny-jobs", """
            title = "Spawn cost and tiny jobs"
            summary = "When offloading is not worth it: jobs smaller than the hand-off, and why workers live in a pool."
            [[workload]]
            name = "tiny"
            kernel = "sort"
            elements = 64

            [setup]
            workers = 2
            do = ["workload tiny", "job-ms 0.005", "rate 1000", "mode offloaded"]

            [[step]]
            caption = "Jobs of 5 µs go to the workers. Each waits for a worker to wake and comes back as a message: the trip costs more than the work (overhead ratio above 1)."
            settle = 1
            seconds = 3
            check = "overhead_ratio > 1"

            [[step]]
            caption = "The same tiny jobs on the loop (blocking): there is no trip at all, and they are too small to hurt the lag."
            do = ["mode blocking"]
            settle = 1
            seconds = 3
            check = "lag_p99 < 20"

            [[step]]
            caption = "Two more workers: each is ready within a few milliseconds here (spawn, in a worker's detail: Enter), where a Node.js Worker takes tens of milliseconds to boot its JavaScript engine. Keep workers in a pool; never start one per job."
            do = ["spawn 2", "mode offloaded"]
            settle = 0.5
            seconds = 2
            check = "workers >= 4 and spawn_ms < 5"
            """),
        ("pool-size", """
            title = "Pool size vs cores"
            summary = "Oversubscription: more busy workers than cores share the cores and make every job slower."
            [setup]
            workers = 2
            do = ["workload spin", "job-ms 50", "rate 0", "queue 2000", "mode offloaded", "burst 300"]

            [[step]]
            caption = "Two workers on two cores with a queue full of 50 ms jobs: each worker has a core to itself, and a job takes about 50 ms."
            settle = 1
            seconds = 3
            check = "run_p50 < 150"

            [[step]]
            caption = "Six more workers: eight threads now share two cores. Each gets about a quarter of a core (CPU/WALL), a 50 ms job takes about 200 ms, and no more work gets done per second."
            do = ["spawn 6", "burst 300"]
            settle = 1.5
            seconds = 3
            check = "run_p50 > 90 and cpu_per_wall < 0.7"

            [[step]]
            caption = "Back to two workers (six are terminated, their jobs cancelled): each job is fast again. For CPU work, size the pool to the cores."
            do = ["terminate", "terminate", "terminate", "terminate", "terminate", "terminate", "burst 300"]
            settle = 1.5
            seconds = 3
            check = "run_p50 < 150 and workers == 2 and cancelled >= 1"
            """),
        ("queueing", """
            title = "Queueing: predicting the wait"
            summary = "How long jobs wait, predicted from how often they arrive and how long they run (M/G/c), beside the measurement."
            [setup]
            workers = 1
            do = ["workload spin", "job-ms 10", "arrival poisson", "rate 50", "queue 5000", "mode offloaded"]

            [[step]]
            caption = "One worker; 10 ms jobs arrive at random (Poisson), 50 a second: the worker is busy half the time (utilization 0.5). The M/G/1 formula predicts a mean wait of about 5 ms; the Queue panel shows the prediction beside what jobs measured."
            settle = 1
            seconds = 6
            check = "model_stable == 1 and model_error < 0.75"

            [[step]]
            caption = "70 a second (utilization 0.7): only 40% more work, yet the wait more than doubles, to about 12 ms. Waits grow as 1 / (1 - utilization), and the prediction follows."
            do = ["rate 70"]
            settle = 1
            seconds = 6
            check = "utilization > 0.5 and model_error < 1 and measured_wait_ms > 4"

            [[step]]
            caption = "A second worker: with two servers the prediction (Erlang C) drops to about a millisecond, as the panel's 'a worker more' said. Press m to see the predicted wait against the arrival rate, and where the pool is now."
            do = ["spawn 1"]
            settle = 2
            seconds = 4
            check = "workers == 2 and measured_wait_ms < 10"

            [[step]]
            caption = "One worker again, and 130 jobs a second: the arrivals ask 1.3 times what it can do. There is no finite wait: the model says 'unstable: queue grows', and the queue does."
            do = ["terminate", "rate 130"]
            settle = 0.5
            seconds = 3
            check = "model_stable == 0 and queued > 30"
            """),
        ("copy-vs-share", """
            title = "Copying vs sharing data"
            summary = "A 4 MB input per job: copied (structured clone), transferred, or shared with atomics."
            [setup]
            workers = 2
            do = ["workload spin", "job-ms 1", "rate 200", "mode offloaded", "input-kb 4096", "passing copy"]

            [[step]]
            caption = "Each job carries 4 MB. With copy (postMessage's structured clone) the loop copies it for every job: see the bytes and the time per job, and the loop's busy share."
            settle = 1
            seconds = 3
            check = "copy_bytes > 4000000 and copy_ms_p50 > 0"

            [[step]]
            caption = "Transfer moves ownership instead (a transfer list): no byte is copied, and the buffers travel to the worker and back."
            do = ["passing transfer"]
            settle = 1
            seconds = 3
            check = "copy_bytes == 0 and completed > 100"

            [[step]]
            caption = "Shared: one region that every worker reads, handed over with atomics (SharedArrayBuffer + Atomics). No copies, nothing travelling."
            do = ["passing shared"]
            settle = 1
            seconds = 3
            check = "copy_bytes == 0 and completed > 100"
            """),
        ("worker-dies", """
            title = "When a worker dies"
            summary = "terminate, 'error' and 'exit' events, what happens to the job, and respawn."
            [setup]
            workers = 2
            do = ["workload spin", "job-ms 60000", "rate 0", "mode offloaded", "respawn on"]

            [[step]]
            caption = "Two workers each start a job of a minute."
            do = ["burst 2"]
            seconds = 1
            check = "running >= 2"

            [[step]]
            caption = "terminate() stops the newest worker: its job is cancelled at its next checkpoint, within milliseconds, and counted as cancelled. The work done so far is lost, as with Node's worker.terminate()."
            do = ["terminate"]
            seconds = 2
            check = "cancelled >= 1 and workers == 1"

            [[step]]
            caption = "A fault in the other worker: an 'error' event, then 'exit' with code 1, and its job counts as failed. With respawn on, the pool starts a replacement at once."
            do = ["fault"]
            seconds = 2
            check = "failed >= 1 and workers == 1"
            """),
        ("batching", """
            title = "Batching"
            summary = "Many small jobs against fewer bigger ones: the same work, far less overhead."
            [[workload]]
            name = "item"
            kernel = "sort"
            elements = 64

            [setup]
            workers = 2
            do = ["workload item", "job-ms 0.005", "rate 4000", "mode offloaded"]

            [[step]]
            caption = "4000 jobs a second of 5 µs each: every job pays for a queue and a message back, and that overhead is larger than the work (ratio above 1)."
            settle = 1
            seconds = 3
            check = "overhead_ratio > 1"

            [[step]]
            caption = "Batched: the same work as 10 jobs a second of 2 ms. The overhead is paid 400 times less often and is now small beside the work (ratio well below 1)."
            do = ["job-ms 2", "rate 10"]
            settle = 1
            seconds = 3
            check = "overhead_ratio < 1"
            """),
        ("threads-vs-processes", """
            title = "Threads vs processes"
            summary = "The same kind of work on a worker thread and as a child process (like Node's cluster or child_process)."
            [[workload]]
            name = "sort-thread"
            kernel = "sort"
            elements = 4096

            [[workload]]
            name = "sort-process"
            command = ["sort"]
            stdin_kb = 16

            [setup]
            workers = 2
            do = ["workload sort-thread", "job-ms 2", "rate 20", "mode offloaded"]

            [[step]]
            caption = "Sorting on a worker thread: a 2 ms job takes about 2 ms; handing it over costs microseconds."
            settle = 1
            seconds = 3
            check = "run_p50 < 20"

            [[step]]
            caption = "Sorting in a child process (sort(1)): every job pays for starting a process and piping its data in and out, milliseconds before any sorting is done."
            do = ["workload sort-process"]
            settle = 1
            seconds = 3
            check = "run_p50 > 1 and completed >= 10"
            """),
    ]

    /// A built-in lesson by name.
    public static func builtIn(named name: String) throws -> Lesson? {
        guard let entry = builtIn.first(where: { $0.name == name }) else { return nil }
        return try parse(entry.text, name: entry.name)
    }
}
