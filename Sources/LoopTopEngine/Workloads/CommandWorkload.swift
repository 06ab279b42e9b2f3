#if canImport(Glibc)
import Glibc
#endif
import CSystemShims

/// A workload that runs an external command once per job, as a child process:
/// the "processes instead of threads" comparison (Node's cluster and
/// child_process). The job's input is written to the command's stdin; its
/// stdout is read and counted, its stderr kept for the failure message. A
/// non-zero exit or a signal is a *failed* job with that reason.
///
/// A command that never reads its stdin does not hang the job: writes are
/// non-blocking and stop when the child exits or closes the pipe. A cancelled
/// job (its worker terminated) kills the child's process group.
public struct CommandWorkload: Workload {
    public let name: String
    public let arguments: [String]
    /// Bytes written to the command's stdin each job.
    public let inputBytes: Int
    public var summary: String { "external command: \(arguments.joined(separator: " "))" }
    public var parameters: String { "unit: one run; stdin \(inputBytes / 1024) KiB" }

    public init(name: String, arguments: [String], inputBytes: Int = 0) {
        self.name = name
        self.arguments = arguments
        self.inputBytes = max(0, inputBytes)
    }

    public func makeRun(units: Int, seed: UInt64) -> any WorkloadRun {
        CommandRun(arguments: arguments, inputBytes: inputBytes, seed: seed)
    }
}

/// How a child process ended.
public enum ChildExit: Equatable, Sendable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)

    public var description: String {
        switch self {
        case .exited(let code): "exited with status \(code)"
        case .signaled(let signal): "killed by signal \(signal)\(Self.signalName(signal).map { " (\($0))" } ?? "")"
        }
    }

    static func signalName(_ signal: Int32) -> String? {
        switch signal {
        case SIGKILL: "SIGKILL"
        case SIGTERM: "SIGTERM"
        case SIGSEGV: "SIGSEGV"
        case SIGABRT: "SIGABRT"
        case SIGINT: "SIGINT"
        case SIGPIPE: "SIGPIPE"
        case SIGHUP: "SIGHUP"
        default: nil
        }
    }
}

final class CommandRun: WorkloadRun {
    private let arguments: [String]
    private let input: [UInt8]

    init(arguments: [String], inputBytes: Int, seed: UInt64) {
        self.arguments = arguments
        var rng = SplitMix64(seed: seed)
        // Printable lines, so text tools (wc, sort, gzip) have something real to chew.
        input = (0..<inputBytes).map { i in i % 64 == 63 ? 10 : UInt8(97 + rng.next() % 26) }
    }

    func step(_ context: JobContext) throws -> Bool {
        let result = try Self.run(arguments, input: input, context: context)
        guard result.exit == .exited(0) else {
            let tail = result.stderrTail.split(separator: "\n").last.map { ": \($0)" } ?? ""
            throw WorkloadError("\(arguments.first ?? "command") \(result.exit)\(tail)")
        }
        return true
    }

    struct Result {
        var exit: ChildExit
        var stdoutBytes: Int
        var stderrTail: String
    }

    /// Runs the command to its end (or until the job is cancelled).
    static func run(_ arguments: [String], input: [UInt8], context: JobContext) throws -> Result {
        guard !arguments.isEmpty else { throw WorkloadError("empty command") }
        var pid: pid_t = 0
        var stdinFD: Int32 = -1, stdoutFD: Int32 = -1, stderrFD: Int32 = -1
        let cArgs = arguments.map { strdup($0) } + [nil]
        defer { for arg in cArgs { free(arg) } }
        let rc = cArgs.withUnsafeBufferPointer { argv in
            looptop_spawn(argv.baseAddress!, &pid, &stdinFD, &stdoutFD, &stderrFD)
        }
        guard rc == 0 else {
            throw WorkloadError("cannot start '\(arguments[0])': \(String(cString: strerror(rc)))")
        }
        // A child that exits without reading makes our write raise SIGPIPE,
        // which would kill a host program that has not ignored it. It is
        // directed at this thread, so block it here and drop any pending one.
        var pipeSignal = sigset_t()
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        var previousMask = sigset_t()
        pthread_sigmask(SIG_BLOCK, &pipeSignal, &previousMask)
        defer {
            var pending = sigset_t()
            sigpending(&pending)
            if sigismember(&pending, SIGPIPE) == 1 {
                var zero = timespec(tv_sec: 0, tv_nsec: 0)
                _ = sigtimedwait(&pipeSignal, nil, &zero)
            }
            pthread_sigmask(SIG_SETMASK, &previousMask, nil)
        }
        var written = 0
        var stdoutBytes = 0
        var stderrTail: [UInt8] = []
        var exit: ChildExit?
        var exitedAt: UInt64 = 0
        if input.isEmpty { close(stdinFD); stdinFD = -1 }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        defer {
            if stdinFD >= 0 { close(stdinFD) }
            if stdoutFD >= 0 { close(stdoutFD) }
            if stderrFD >= 0 { close(stderrFD) }
        }
        while true {
            if context.isCancelled, exit == nil {
                kill(-pid, SIGKILL)
                kill(pid, SIGKILL)
            }
            // Reap without blocking; once it has exited, read what is left
            // for a short while (a grandchild may hold the pipes open).
            if exit == nil {
                var status: Int32 = 0
                let reaped = waitpid(pid, &status, WNOHANG)
                if reaped == pid {
                    let signal = status & 0x7f
                    exit = signal == 0 ? .exited((status >> 8) & 0xff) : .signaled(signal)
                    exitedAt = monotonicNow()
                    if stdinFD >= 0 { close(stdinFD); stdinFD = -1 }
                }
            }
            if exit != nil, (stdoutFD < 0 && stderrFD < 0) || monotonicNow() - exitedAt > 200_000_000 { break }
            var fds: [pollfd] = []
            if stdinFD >= 0 { fds.append(pollfd(fd: stdinFD, events: Int16(POLLOUT), revents: 0)) }
            if stdoutFD >= 0 { fds.append(pollfd(fd: stdoutFD, events: Int16(POLLIN), revents: 0)) }
            if stderrFD >= 0 { fds.append(pollfd(fd: stderrFD, events: Int16(POLLIN), revents: 0)) }
            _ = poll(&fds, nfds_t(fds.count), 10)
            if stdinFD >= 0 {
                let n = input.withUnsafeBytes { raw in
                    Glibc.write(stdinFD, raw.baseAddress! + written, raw.count - written)
                }
                if n > 0 { written += n }
                // Done, or the child closed its end (EPIPE): either way, stop feeding it.
                if written >= input.count || (n < 0 && errno != EAGAIN && errno != EINTR) {
                    close(stdinFD)
                    stdinFD = -1
                }
            }
            if stdoutFD >= 0 {
                let n = read(stdoutFD, &buffer, buffer.count)
                if n > 0 { stdoutBytes += n } else if n == 0 || (errno != EAGAIN && errno != EINTR) {
                    close(stdoutFD)
                    stdoutFD = -1
                }
            }
            if stderrFD >= 0 {
                let n = read(stderrFD, &buffer, buffer.count)
                if n > 0 {
                    stderrTail.append(contentsOf: buffer[0..<n])
                    if stderrTail.count > 4096 { stderrTail.removeFirst(stderrTail.count - 4096) }
                } else if n == 0 || (errno != EAGAIN && errno != EINTR) {
                    close(stderrFD)
                    stderrFD = -1
                }
            }
        }
        if context.isCancelled { throw JobInterruption.cancelled }
        return Result(exit: exit ?? .signaled(SIGKILL), stdoutBytes: stdoutBytes,
                      stderrTail: String(decoding: stderrTail, as: UTF8.self))
    }
}
