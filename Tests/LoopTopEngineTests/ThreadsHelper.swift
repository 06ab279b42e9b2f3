import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A small C program with named spinning and sleeping threads, compiled with
/// `cc` at test time: a real process for `looptop attach` to watch.
///
/// `threads-helper SPIN SLEEP [CPU] [EXIT_MS]` starts SPIN threads named
/// spin-0… that spin for ever and SLEEP threads named nap-0… that sleep in
/// pause(); the main thread is `helper-main`. CPU >= 0 pins the process to
/// that CPU first (threads inherit it); EXIT_MS > 0 exits after that long.
/// It prints "ready" once every thread has named itself.
enum ThreadsHelper {
    static let source = #"""
    #define _GNU_SOURCE
    #include <pthread.h>
    #include <sched.h>
    #include <stdio.h>
    #include <stdlib.h>
    #include <sys/prctl.h>
    #include <unistd.h>

    static int named = 0;

    static void *spin(void *arg) {
        char name[16];
        snprintf(name, sizeof name, "spin-%ld", (long)arg);
        prctl(PR_SET_NAME, name);
        __atomic_fetch_add(&named, 1, __ATOMIC_SEQ_CST);
        volatile unsigned long x = 0;
        for (;;) x++;
        return NULL;
    }

    static void *nap(void *arg) {
        char name[16];
        snprintf(name, sizeof name, "nap-%ld", (long)arg);
        pthread_setname_np(pthread_self(), name);
        __atomic_fetch_add(&named, 1, __ATOMIC_SEQ_CST);
        for (;;) pause();
        return NULL;
    }

    int main(int argc, char **argv) {
        int spinners = argc > 1 ? atoi(argv[1]) : 0;
        int sleepers = argc > 2 ? atoi(argv[2]) : 0;
        int cpu = argc > 3 ? atoi(argv[3]) : -1;
        int exit_ms = argc > 4 ? atoi(argv[4]) : 0;
        if (cpu >= 0) {
            cpu_set_t set;
            CPU_ZERO(&set);
            CPU_SET(cpu, &set);
            sched_setaffinity(0, sizeof set, &set);
        }
        prctl(PR_SET_NAME, "helper-main");
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setstacksize(&attr, 64 * 1024);
        pthread_t t;
        for (long i = 0; i < spinners; i++) pthread_create(&t, &attr, spin, (void *)i);
        for (long i = 0; i < sleepers; i++) pthread_create(&t, &attr, nap, (void *)i);
        while (__atomic_load_n(&named, __ATOMIC_SEQ_CST) < spinners + sleepers) usleep(1000);
        printf("ready\n");
        fflush(stdout);
        if (exit_ms > 0) {
            usleep(exit_ms * 1000);
            _exit(0);
        }
        for (;;) pause();
    }
    """#

    /// The compiled helper, or why there is none.
    static let binary: Result<String, HelperError> = {
        let dir = NSTemporaryDirectory() + "looptop-threads-helper-\(getpid())"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let c = dir + "/threads-helper.c"
        let exe = dir + "/threads-helper"
        do {
            try source.write(toFile: c, atomically: true, encoding: .utf8)
        } catch {
            return .failure(HelperError("cannot write \(c): \(error)"))
        }
        // cc, gcc or clang on PATH (the Swift toolchain brings clang).
        let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":").map(String.init)
        let compilers: [String] = ["cc", "gcc", "clang"].flatMap { name in dirs.map { $0 + "/" + name } }
        guard let cc = compilers.first(where: { (path: String) in access(path, X_OK) == 0 }) else {
            return .failure(HelperError("no C compiler (cc): tests that watch a real process are skipped"))
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: cc)
        process.arguments = ["-O1", "-pthread", "-o", exe, c]
        do {
            try process.run()
            process.waitUntilExit()
        } catch {
            return .failure(HelperError("cannot run \(cc): \(error)"))
        }
        guard process.terminationStatus == 0 else {
            return .failure(HelperError("\(cc) failed to compile the threads helper (exit \(process.terminationStatus))"))
        }
        return .success(exe)
    }()

    static var available: Bool { (try? binary.get()) != nil }

    static var skipReason: Comment {
        if case .failure(let error) = binary { return Comment(rawValue: error.message) }
        return "the threads helper is available"
    }

    struct HelperError: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }

    /// One running helper; `kill()` ends and reaps it.
    final class Child {
        let pid: pid_t
        private var reaped = false

        init(spin: Int, sleep: Int, cpu: Int = -1, exitAfterMs: Int = 0) throws {
            let exe = try ThreadsHelper.binary.get()
            var fds: [Int32] = [0, 0]
            guard pipe(&fds) == 0 else { throw HelperError("pipe failed") }
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO)
            posix_spawn_file_actions_addclose(&actions, fds[0])
            posix_spawn_file_actions_addclose(&actions, fds[1])
            let words: [String] = [exe, "\(spin)", "\(sleep)", "\(cpu)", "\(exitAfterMs)"]
            let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
            defer { argv.forEach { free($0) } }
            var child: pid_t = 0
            let rc = posix_spawn(&child, exe, &actions, nil, argv, environ)
            close(fds[1])
            guard rc == 0 else {
                close(fds[0])
                throw HelperError("posix_spawn failed: \(rc)")
            }
            pid = child
            // Wait for "ready" (every thread named), at most 20 s on a loaded machine.
            var line = ""
            var poller = pollfd(fd: fds[0], events: Int16(POLLIN), revents: 0)
            let deadline = Date().addingTimeInterval(20)
            while !line.contains("ready") && Date() < deadline {
                if poll(&poller, 1, 100) > 0 {
                    var buffer = [UInt8](repeating: 0, count: 64)
                    let n = Glibc.read(fds[0], &buffer, buffer.count)
                    if n <= 0 { break }
                    line += String(decoding: buffer[0..<n], as: UTF8.self)
                }
            }
            close(fds[0])
            guard line.contains("ready") else {
                kill()
                throw HelperError("the threads helper never said ready")
            }
        }

        /// Waits for the child to exit (it was told to) and reaps it.
        func reap() {
            guard !reaped else { return }
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            reaped = true
        }

        func kill() {
            guard !reaped else { return }
            Glibc.kill(pid, SIGKILL)
            reap()
        }

        deinit { kill() }
    }
}
