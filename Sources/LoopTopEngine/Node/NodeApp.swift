#if canImport(Glibc)
import Glibc
#endif
import CSystemShims
import Foundation
import Synchronization

/// Why a Node app could not be started: one line for the user.
public struct NodeAppError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

/// A Node.js app started by looptop with the probe preloaded, watched over a
/// Unix socket in a private directory, its output passed through.
///
/// One reader thread (`looptop-node`) polls the probe's socket, the app's
/// stdout and stderr, and its exit; it also pauses the app for blame when
/// the heartbeats stop. Every read is bounded (``LineSplitter``), so a
/// malformed or huge line is dropped and counted, never a crash or a stall.
public final class NodeApp: Sendable {
    public struct Options: Sendable {
        /// The node executable, looked up in PATH.
        public var node = "node"
        public var script: String
        public var arguments: [String] = []
        /// Flags for node itself, before the script.
        public var nodeFlags: [String] = []
        public var blame = true
        public var thresholdMs = 50.0
        /// Seconds between the probe's figures.
        public var intervalSeconds = 1.0
        /// The probe's beat: 20 ms, not 10, halves what beating costs the app
        /// (a timer callback and a socket write each; see the README's cost).
        public var heartbeatMs = 20.0
        /// The app must say hello within this; otherwise it is stopped.
        public var connectTimeoutSeconds = 10.0
        /// Where the app's stdout and stderr are copied as they come (headless:
        /// looptop's stderr); nil keeps them for the log panel only.
        public var passThroughFD: Int32? = 2
        /// The app's stdin: looptop's own (headless), or nil for /dev/null (the dashboard owns the terminal).
        public var stdinFD: Int32? = 0
        /// Seconds between SIGTERM and SIGKILL when looptop stops the app.
        public var graceSeconds = 3.0

        public init(script: String, arguments: [String] = []) {
            self.script = script
            self.arguments = arguments
        }
    }

    /// Exactly the lines Node writes to stderr when the probe opens the
    /// inspector, looptop connects to it, and the probe closes it at exit
    /// ("Debugger ending on ws://…"); they are not the app's.
    static func isInspectorLine(_ line: String) -> Bool {
        line.hasPrefix("Debugger listening on ws://") || line.hasPrefix("Debugger ending on ws://")
            || line == "For help, see: https://nodejs.org/en/docs/inspector" || line == "Debugger attached."
    }

    static let inspectorPrefixes = ["Debugger listening on ws://", "Debugger ending on ws://",
                                    "For help, see: https://nodejs.org/en/docs/inspector", "Debugger attached."]

    public let options: Options
    public let directory: String
    public let socketPath: String
    public let probePath: String
    private let model: ConditionMutex<NodeAppModel>
    private let inspector: NodeInspecting?
    private let io: ConditionMutex<IO>
    private let wake: (read: Int32, write: Int32)
    private let thread = ConditionMutex<OSThread?>(nil)
    private let stopRequested = Atomic<Bool>(false)
    private let endedFlag = Atomic<Bool>(false)

    struct IO: @unchecked Sendable {
        var pid: pid_t = 0
        var listen: Int32 = -1
        var connection: Int32 = -1
        var stdout: Int32 = -1
        var stderr: Int32 = -1
        var stopAt: UInt64?
        var killed = false
        var stoppedByUs = false
    }

    /// Makes the private directory, the probe file and the listening socket.
    /// Nothing runs until ``start()``.
    public init(options: Options, inspector: NodeInspecting?) throws {
        self.options = options
        self.inspector = options.blame ? inspector : nil
        var template = Array((NSTemporaryDirectory() as NSString).appendingPathComponent("looptop-node-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw NodeAppError(description: "cannot make a private directory in \(NSTemporaryDirectory()): \(String(cString: strerror(errno)))")
        }
        directory = String(cString: made)
        chmod(directory, 0o700)
        socketPath = directory + "/probe.sock"
        probePath = directory + "/probe.cjs"
        model = ConditionMutex(NodeAppModel(script: options.script, thresholdMs: options.thresholdMs, blame: options.blame && inspector != nil,
                                   start: monotonicNow()))
        var pipeFDs: [Int32] = [0, 0]
        _ = pipe(&pipeFDs)
        for fd in pipeFDs { Self.makeNonBlockingCloseOnExec(fd) }
        wake = (pipeFDs[0], pipeFDs[1])
        io = ConditionMutex(IO())
        let fd = open(probePath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { cleanUp(); throw NodeAppError(description: "cannot write the probe to \(probePath)") }
        let bytes = Array(NodeProbe.source.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        guard written == bytes.count else { cleanUp(); throw NodeAppError(description: "cannot write the probe to \(probePath)") }
        do {
            let listener = try Self.listen(at: socketPath)
            io.withLock { $0.listen = listener }
        } catch {
            cleanUp()
            throw error
        }
    }

    deinit {
        close(wake.read)
        close(wake.write)
    }

    static func makeNonBlockingCloseOnExec(_ fd: Int32) {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        _ = fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC)
    }

    private static func listen(at path: String) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { throw NodeAppError(description: "cannot make a Unix socket") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(path.utf8)
        guard pathBytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(fd)
            throw NodeAppError(description: "socket path too long: \(path) (set TMPDIR to a shorter directory)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
            raw[pathBytes.count] = 0
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0, Glibc.listen(fd, 4) == 0 else {
            close(fd)
            throw NodeAppError(description: "cannot listen on \(path): \(String(cString: strerror(errno)))")
        }
        return fd
    }

    /// Starts node with the probe. Throws a one-line error if node cannot be started.
    public func start() throws {
        guard FileManager.default.fileExists(atPath: options.script) else {
            cleanUp()
            throw NodeAppError(description: "no such script: \(options.script)")
        }
        var argv = [options.node]
        if inspector != nil { argv.append("--inspect-publish-uid=stderr") }
        argv += ["--require", probePath] + options.nodeFlags + [options.script] + options.arguments
        var environment = ProcessInfo.processInfo.environment
        environment["LOOPTOP_SOCKET"] = socketPath
        environment["LOOPTOP_BLAME"] = inspector != nil ? "1" : "0"
        environment["LOOPTOP_INTERVAL_MS"] = String(Int((options.intervalSeconds * 1000).rounded()))
        environment["LOOPTOP_HEARTBEAT_MS"] = String(Int(options.heartbeatMs.rounded()))
        environment["LOOPTOP_STALL_MS"] = String(Int(options.thresholdMs.rounded()))
        let envp = environment.map { "\($0.key)=\($0.value)" }
        var stdinFD = options.stdinFD ?? -1
        var opened: Int32 = -1
        if options.stdinFD == nil {
            opened = open("/dev/null", O_RDONLY | O_CLOEXEC)
            stdinFD = opened
        }
        defer { if opened >= 0 { close(opened) } }
        var pid: pid_t = 0, output: Int32 = -1
        let rc = withCStrings(argv) { cArgv in
            withCStrings(envp) { cEnv in looptop_spawn_app(cArgv, cEnv, stdinFD, &pid, &output) }
        }
        if rc != 0 {
            cleanUp()
            if rc == ENOENT { throw NodeAppError(description: "'\(options.node)' not found in PATH (install Node.js 18 or later)") }
            throw NodeAppError(description: "cannot start \(options.node): \(String(cString: strerror(rc)))")
        }
        // stdout and stderr share one pipe (their order kept); it is read as
        // stderr is, line by line, so Node's inspector lines can be dropped.
        io.withLock { $0.pid = pid; $0.stdout = -1; $0.stderr = output }
        let app = pid
        model.withLock {
            $0.note("started \(options.node) \(options.script) (pid \(pid))", at: monotonicNow())
            // The kernel's figures for the app's threads: only the process looptop started.
            $0.readThread = { tid in ProcTasks.read(pid: app, tid: tid ?? app) }
        }
        let reader = OSThread.spawn(name: "looptop-node") { [self] in self.readLoop() }
        thread.withLock { $0 = reader }
    }

    /// When looptop started watching (monotonic ns): uptimes count from here.
    public var startNanos: UInt64 { model.withLock { $0.start } }

    /// A pure read of what is known now.
    public func snapshot() -> NodeSnapshot {
        let now = monotonicNow()
        return model.withLock { $0.snapshot(at: now) }
    }

    /// The probe's interval reports since the last call (headless lines).
    public func takeReports() -> [NodeReport] { model.withLock { $0.takeReports() } }

    /// The reports after the first `seen` of all, and how many there are (a recording's own cursor).
    public func reports(after seen: Int) -> (reports: [NodeReport], total: Int) { model.withLock { $0.reports(after: seen) } }

    /// Every stall so far (the summary line).
    public func allStalls() -> [NodeSnapshot.Stall] { model.withLock { $0.allStalls.map { $0 } } }
    public func intervalHistory() -> [NodeSnapshot.Interval] { model.withLock { $0.intervalHistory } }
    public func pauseLatencies() -> [Double] { model.withLock { $0.pauseLatenciesMs.map { $0 } } }
    public var pid: Int32 { io.withLock { $0.pid } }

    /// True once the app has ended and its output is drained.
    public var hasEnded: Bool { endedFlag.load(ordering: .acquiring) }

    /// Asks the probe to call `worker.terminate()` on the Worker with this
    /// `threadId`. Returns a one-line notice.
    public func terminateWorker(id: Int) -> String {
        let sent = io.withLock { io -> Bool in
            guard io.connection >= 0 else { return false }
            let line = Array("{\"c\":\"terminate\",\"id\":\(id)}\n".utf8)
            return line.withUnsafeBytes { send(io.connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == line.count
        }
        return sent ? "worker \(id): terminate sent" : "node: the probe is not connected"
    }

    /// Stops the app: SIGTERM to its process group now, SIGKILL after the grace period.
    public func stop() {
        stopRequested.store(true, ordering: .releasing)
        io.withLock { io in
            guard io.pid > 0, io.stopAt == nil else { return }
            io.stoppedByUs = true
            io.stopAt = monotonicNow() + Nanos.fromSeconds(options.graceSeconds)
            kill(-io.pid, SIGTERM)
        }
        poke()
    }

    /// True when the app ended because looptop stopped it.
    public var stoppedByLooptop: Bool { io.withLock { $0.stoppedByUs } }

    /// Waits for the reader thread to finish (the app has ended) and removes the private directory.
    public func join() {
        let reader = thread.withLock { t -> OSThread? in defer { t = nil }; return t }
        reader?.join()
        inspector?.close()
        cleanUp()
    }

    private func poke() {
        var byte: UInt8 = 1
        _ = write(wake.write, &byte, 1)
    }

    private func cleanUp() {
        unlink(socketPath)
        unlink(probePath)
        rmdir(directory)
    }

    // MARK: the reader thread

    private func readLoop() {
        var probeLines = LineSplitter(maxLine: 1 << 20)
        var errLines = LineSplitter(maxLine: 1 << 16)
        var outLines = LineSplitter(maxLine: 1 << 16)
        let startedAt = monotonicNow()
        var exitedAt: UInt64?
        var connectTimedOut = false
        var buffer = [UInt8](repeating: 0, count: 65536)
        var inspectorAsked = false
        var prepared = false
        var pendingEnding: NodeSnapshot.Ending?

        while true {
            let snapshotIO = io.withLock { $0 }
            let now = monotonicNow()
            // How long to sleep: until the next blame check, a stop deadline, or 100 ms.
            var timeout = 100.0
            if let next = model.withLock({ $0.nextPauseCheck() }) { timeout = min(timeout, max(0, Double(Int64(bitPattern: next &- now)) / 1e6)) }
            if exitedAt != nil { timeout = min(timeout, 20) }
            var fds: [pollfd] = []
            for fd in [wake.read, snapshotIO.listen, snapshotIO.connection, snapshotIO.stdout, snapshotIO.stderr] where fd >= 0 {
                fds.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0))
            }
            _ = poll(&fds, nfds_t(fds.count), Int32(timeout.rounded(.up)))
            let after = monotonicNow()
            var drain = UInt8(0)
            while read(wake.read, &drain, 1) > 0 {}

            // A new connection: the probe of the main thread, from the app we started.
            if snapshotIO.listen >= 0 {
                let client = accept(snapshotIO.listen, nil, nil)
                if client >= 0 {
                    Self.makeNonBlockingCloseOnExec(client)
                    var peerPid: pid_t = 0, peerUid: uid_t = 0
                    let ok = looptop_peer_credentials(client, &peerPid, &peerUid) == 0 && peerUid == getuid()
                    if ok && snapshotIO.connection < 0 {
                        io.withLock { $0.connection = client }
                    } else {
                        close(client)
                    }
                }
            }
            let current = io.withLock { $0 }
            if current.connection >= 0 {
                let closed = readAvailable(current.connection, into: &buffer) { chunk in
                    let lines = probeLines.feed(chunk)
                    model.withLock { model in
                        for line in lines {
                            if let message = ProbeMessage.parse(line) { model.receive(message, at: after) } else { model.droppedLines += 1 }
                        }
                        model.droppedLines = max(model.droppedLines, probeLines.dropped)
                    }
                }
                if closed {
                    model.withLock { $0.probeClosed(at: after) }
                    io.withLock { close($0.connection); $0.connection = -1; if $0.listen >= 0 { close($0.listen); $0.listen = -1 } }
                }
            }
            // Connect to the inspector once its URL is known.
            if !inspectorAsked, let inspector, let url = model.withLock({ $0.inspectorURL }) {
                inspectorAsked = true
                model.withLock { $0.blameConnecting = true }
                inspector.connect(url: url) { [self] reason in
                    self.model.withLock {
                        $0.blameReady = false
                        $0.blameConnecting = false
                        $0.inspectorLost(reason, at: monotonicNow())
                    }
                }
            }
            if let inspector, inspectorAsked {
                let ready = inspector.isReady
                if ready, !prepared, model.withLock({ $0.idleSeen }) {
                    prepared = true
                    inspector.prepare()
                }
                let enabling = inspector.isEnabling
                model.withLock { $0.debuggerEnabling = enabling }
                model.withLock {
                    if $0.blameReady != ready, $0.ending == nil { $0.blameReady = ready }
                    if ready { $0.blameConnecting = false }
                }
                if ready, let generation = model.withLock({ $0.pauseDue(at: after) }) {
                    let sent = inspector.pause { [self] reading in
                        self.model.withLock { $0.paused(reading, generation: generation) }
                    }
                    if !sent { model.withLock { $0.note("blame: a pause is already in flight", at: after) } }
                }
            }
            for (fd, isErr) in [(current.stdout, false), (current.stderr, true)] where fd >= 0 {
                let closed = readAvailable(fd, into: &buffer) { chunk in
                    if isErr { passErr(chunk, lines: &errLines) } else { passOut(chunk, lines: &outLines) }
                }
                if closed {
                    io.withLock { io in
                        if isErr { close(io.stderr); io.stderr = -1 } else { close(io.stdout); io.stdout = -1 }
                    }
                    if isErr, let rest = errLines.flush() { forwardErrLine(rest, newline: false) }
                    if !isErr, let rest = outLines.flush() { model.withLock { $0.output(String(decoding: rest, as: UTF8.self), stderr: false) } }
                }
            }

            model.withLock { $0.tick(at: after) }
            // The app's end.
            if exitedAt == nil, current.pid > 0 {
                var status: Int32 = 0
                if waitpid(current.pid, &status, WNOHANG) == current.pid {
                    exitedAt = after
                    let ending: NodeSnapshot.Ending = (status & 0x7f) == 0
                        ? .exited(code: (status >> 8) & 0xff) : .signaled(signal: status & 0x7f)
                    pendingEnding = ending
                }
            }
            if let exitedAt {
                let drained = io.withLock { $0.stdout < 0 && $0.stderr < 0 }
                // Output may be held open by the app's own children: wait a little, not for ever.
                if drained || after &- exitedAt > 500_000_000 {
                    let byUs = io.withLock { $0.stoppedByUs }
                    model.withLock { $0.ended(pendingEnding ?? .exited(code: 0), at: after, stoppedByLooptop: byUs) }
                    break
                }
            }
            // Stopping: SIGKILL after the grace period.
            if let stopAt = current.stopAt, after >= stopAt, !current.killed, exitedAt == nil {
                kill(-current.pid, SIGKILL)
                io.withLock { $0.killed = true }
            }
            // A probe that never says hello: stop the app and say why.
            if !connectTimedOut, exitedAt == nil, current.stopAt == nil,
               after &- startedAt > Nanos.fromSeconds(options.connectTimeoutSeconds), !model.withLock({ $0.connected }) {
                connectTimedOut = true
                model.withLock {
                    $0.setProblem("the probe never connected within \(Int(options.connectTimeoutSeconds)) s (is '\(options.script)' a Node.js script? does NODE_OPTIONS or a policy block --require?)", at: after)
                }
                stop()
            }
        }
        io.withLock { io in
            for fd in [io.listen, io.connection, io.stdout, io.stderr] where fd >= 0 { close(fd) }
            io.listen = -1; io.connection = -1; io.stdout = -1; io.stderr = -1
        }
        endedFlag.store(true, ordering: .releasing)
    }

    /// Reads what is there now; returns true at end of file or on an error.
    private func readAvailable(_ fd: Int32, into buffer: inout [UInt8], _ body: (ArraySlice<UInt8>) -> Void) -> Bool {
        for _ in 0..<64 {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 { body(buffer[0..<n]); continue }
            if n == 0 { return true }
            return !(errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
        }
        return false
    }

    private func passOut(_ chunk: ArraySlice<UInt8>, lines: inout LineSplitter) {
        if let fd = options.passThroughFD { writeAll(fd, chunk) }
        let complete = lines.feed(chunk)
        guard !complete.isEmpty else { return }
        model.withLock { model in for line in complete { model.output(String(decoding: line, as: UTF8.self), stderr: false) } }
    }

    /// stderr goes through line by line so exactly the inspector's lines can be
    /// dropped; a partial line that cannot become one of them goes on at once.
    private func passErr(_ chunk: ArraySlice<UInt8>, lines: inout LineSplitter) {
        for line in lines.feed(chunk) { forwardErrLine(line, newline: true) }
        let partial = lines.partial
        guard !partial.isEmpty else { return }
        let mayBeInspector = Self.inspectorPrefixes.contains { prefix in
            let p = Array(prefix.utf8)
            return partial.count <= p.count ? p.starts(with: partial) : partial.starts(with: p)
        }
        if !mayBeInspector, let rest = lines.flush() { forwardErrLine(rest, newline: false) }
    }

    private func forwardErrLine(_ line: [UInt8], newline: Bool) {
        let text = String(decoding: line, as: UTF8.self)
        if Self.isInspectorLine(text) { return }
        if let fd = options.passThroughFD { writeAll(fd, line + (newline ? [10] : [])) }
        model.withLock { $0.output(text, stderr: true) }
    }

    private func writeAll(_ fd: Int32, _ bytes: some Collection<UInt8>) {
        let array = Array(bytes)
        var offset = 0
        while offset < array.count {
            let n = array.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n > 0 { offset += n; continue }
            if n < 0, errno == EINTR { continue }
            if n < 0, errno == EAGAIN {
                var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                _ = poll(&p, 1, 100)
                continue
            }
            return
        }
    }
}

/// Calls `body` with a NULL-terminated C array of the strings.
func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    pointers.append(nil)
    defer { for pointer in pointers { free(pointer) } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
