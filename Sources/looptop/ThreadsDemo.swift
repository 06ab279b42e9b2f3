import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import CSystemShims
import Synchronization

/// `looptop threads-demo`: a process with named sleeping (and optionally
/// spinning) threads, for `looptop attach` to watch and for `looptop bench`
/// to measure attach against 1,000 threads. Prints its pid and "ready" once
/// every thread has named itself; ends when stdin closes (so a parent that
/// dies takes it along) or on a signal.
struct ThreadsDemo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "threads-demo",
        abstract: "Start a process of named sleeping and spinning threads to try `looptop attach` on.",
        discussion: helpText("""
            Threads are named sleep-N and spin-N (what ps -L -o comm shows). Prints
            "pid PID ready"; watch it from another terminal with `looptop attach PID`.
            Ends when its standard input closes (Ctrl-D) or on Ctrl-C.
            """))

    @Option(help: ArgumentHelp("Threads that sleep.", valueName: "n"))
    var sleeping: Int = 4

    @Option(help: ArgumentHelp("Threads that spin on a CPU.", valueName: "n"))
    var spinning: Int = 0

    func validate() throws {
        guard (0...10_000).contains(sleeping), (0...64).contains(spinning) else {
            throw ValidationError("--sleeping must be 0...10000 and --spinning 0...64")
        }
    }

    func run() throws {
        // The signals main() blocked would otherwise never end this process.
        var set = sigset_t()
        sigemptyset(&set)
        for s in Signals.handled { sigaddset(&set, s) }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        pthread_attr_setstacksize(&attributes, 64 * 1024)
        var started = 0
        for i in 0..<(sleeping + spinning) {
            let spin = i >= sleeping
            let index = spin ? i - sleeping : i
            // The thread's argument: its index, and the top bit for "spin".
            let argument = UnsafeMutableRawPointer(bitPattern: UInt(index + 1) | (spin ? UInt(1) << 62 : 0))
            var thread = pthread_t()
            let rc = pthread_create(&thread, &attributes, { raw in
                let bits = UInt(bitPattern: raw)
                let spin = bits & (UInt(1) << 62) != 0
                let index = Int(bits & ~(UInt(1) << 62)) - 1
                _ = "\(spin ? "spin" : "sleep")-\(index)".withCString { looptop_set_thread_name($0) }
                ThreadsDemo.named.add(1, ordering: .releasing)
                if spin {
                    var x: UInt64 = 0
                    while true { x &+= 1; if x == 0 { sched_yield() } }
                }
                while true { pause() }
            }, argument)
            if rc == 0 { started += 1 } else { break }
        }
        while ThreadsDemo.named.load(ordering: .acquiring) < started { usleep(1_000) }
        // write(2) at once, not print's buffer: the parent waits for this line.
        let line = Array("pid \(getpid()) ready (\(started) threads)\n".utf8)
        _ = line.withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
        var byte: UInt8 = 0
        while read(STDIN_FILENO, &byte, 1) > 0 {}
    }

    /// How many threads have named themselves.
    static let named = Atomic<Int>(0)
}
