import Foundation
import LoopTopEngine
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket
import Synchronization

/// A client of Node's inspector (the Chrome DevTools protocol over a
/// WebSocket), just enough to pause the main thread, read its call frames and
/// resume: `Debugger.enable` (which sends `Debugger.scriptParsed` for every
/// script, so script ids map to files), `Debugger.pause`, `Debugger.resume`.
/// It connects only to the URL the probe sent (loopback) and runs on one NIO
/// thread of its own.
///
/// The debugger is not enabled at connection: enabling takes the app's main
/// thread for about 30 ms of CPU (a `scriptParsed` for each of its ~100
/// scripts). It is enabled when the probe first sees the app idle
/// (``prepare()``), or else with the first pause: an app that is always busy
/// and never stalls never pays it. The inspector handles messages in order,
/// so a pause that follows the enable finds the scripts already mapped.
public final class InspectorClient: NodeInspecting {
    struct State {
        var channel: Channel?
        var ready = false
        var pending: (@Sendable (PauseReading) -> Void)?
        var pauseSentAt: UInt64 = 0
        var closed = false
        var debuggerEnabled = false
        /// prepare() sent `Debugger.enable` and its answer has not come.
        var enabling = false
    }

    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    // A pthread lock (NIO's), which ThreadSanitizer sees; Synchronization.Mutex it does not (see ConditionMutex).
    private let state = NIOLockedValueBox(State())
    let nextId = Atomic<Int>(100)
    let enableId = Atomic<Int>(-1)
    /// The probe's own file: frames in it are looptop's, not the app's.
    let hiddenFile: String?

    /// Enable the debugger as soon as connected (the first stall's pause is
    /// then quicker) instead of with the first pause.
    let enableAtConnect: Bool

    public init(hiddenFile: String? = nil, enableAtConnect: Bool = false) {
        self.hiddenFile = hiddenFile
        self.enableAtConnect = enableAtConnect
    }

    public var isReady: Bool { state.withLockedValue { $0.ready && !$0.closed } }

    public func connect(url: String, failed: @escaping @Sendable (String) -> Void) {
        guard let target = Self.parse(url) else { failed("inspector: not a ws://host:port/path URL: \(url)"); return }
        let client = self
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(.seconds(3))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let upgrader = NIOTypedWebSocketClientUpgrader<Bool>(
                        maxFrameSize: 1 << 24,
                        upgradePipelineHandler: { channel, _ in
                            channel.eventLoop.makeCompletedFuture {
                                // Messages may come in fragments; 16 MiB bounds one message.
                                try channel.pipeline.syncOperations.addHandler(NIOWebSocketFrameAggregator(
                                    minNonFinalFragmentSize: 1, maxAccumulatedFrameCount: 4096, maxAccumulatedFrameSize: 1 << 24))
                                try channel.pipeline.syncOperations.addHandler(InspectorHandler(client: client))
                                return true
                            }
                        })
                    var headers = HTTPHeaders()
                    // Node's inspector refuses a Host that is not an IP address or localhost.
                    headers.add(name: "Host", value: "\(target.host):\(target.port)")
                    let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: target.path, headers: headers)
                    let configuration = NIOTypedHTTPClientUpgradeConfiguration<Bool>(
                        upgradeRequestHead: head, upgraders: [upgrader],
                        notUpgradingCompletionHandler: { channel in channel.eventLoop.makeSucceededFuture(false) })
                    let upgraded = try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(
                        configuration: .init(upgradeConfiguration: configuration))
                    upgraded.whenComplete { result in
                        if case .success(true) = result {
                            // Only now are the HTTP handlers gone: a frame written
                            // earlier would go through the HTTP encoder and be lost.
                            // Enabling at connect: ready once the debugger is
                            // enabled (enabling takes the app's main thread for a
                            // moment, and a pause sent meanwhile would land after
                            // it, on whatever ran next).
                            if client.enableAtConnect {
                                client.state.withLockedValue { $0.debuggerEnabled = true }
                                // The id is known before the answer can come.
                                let id = client.nextId.wrappingAdd(1, ordering: .relaxed).newValue
                                client.enableId.store(id, ordering: .relaxed)
                                client.send(["method": "Debugger.enable"], on: channel, id: id)
                            } else {
                                client.becameReady()
                            }
                            return
                        }
                        failed("inspector: the WebSocket upgrade was refused")
                        channel.close(promise: nil)
                    }
                }
            }
        bootstrap.connect(host: target.host, port: target.port).whenComplete { result in
            switch result {
            case .success(let channel):
                let keep = client.state.withLockedValue { state -> Bool in
                    guard !state.closed else { return false }
                    state.channel = channel
                    return true
                }
                if !keep { channel.close(promise: nil); return }
                channel.closeFuture.whenComplete { _ in
                    let wasOpen = client.state.withLockedValue { state -> Bool in
                        defer { state.ready = false; state.channel = nil }
                        return !state.closed
                    }
                    if wasOpen { failed("inspector: the connection ended") }
                }
            case .failure(let error):
                failed("inspector: cannot connect to \(target.host):\(target.port): \(error)")
            }
        }
    }

    @discardableResult
    public func pause(_ done: @escaping @Sendable (PauseReading) -> Void) -> Bool {
        let taken: (Channel, enable: Bool)? = state.withLockedValue { state in
            guard state.ready, !state.closed, state.pending == nil, let channel = state.channel else { return nil }
            state.pending = done
            state.pauseSentAt = Self.nowNanos()
            defer { state.debuggerEnabled = true }
            return (channel, !state.debuggerEnabled)
        }
        guard let (channel, enable) = taken else { return false }
        if enable { send(["method": "Debugger.enable"], on: channel) }
        send(["method": "Debugger.pause"], on: channel)
        return true
    }

    public func prepare() {
        let id = nextId.wrappingAdd(1, ordering: .relaxed).newValue
        let channel: Channel? = state.withLockedValue { state in
            guard state.ready, !state.closed, !state.debuggerEnabled, let channel = state.channel else { return nil }
            state.debuggerEnabled = true
            state.enabling = true
            return channel
        }
        guard let channel else { return }
        // The id is known before the answer can come.
        enableId.store(id, ordering: .relaxed)
        send(["method": "Debugger.enable"], on: channel, id: id)
    }

    public var isEnabling: Bool { state.withLockedValue { $0.enabling } }

    /// The answer to the enable: the debugger is on.
    func enabled() {
        state.withLockedValue { state in
            state.enabling = false
            if enableAtConnect { state.ready = true }
        }
    }

    public func close() {
        let channel: Channel? = state.withLockedValue { state in
            state.closed = true
            state.ready = false
            defer { state.channel = nil }
            return state.channel
        }
        if let channel { try? channel.close().wait() }
        try? group.syncShutdownGracefully()
    }

    // MARK: called by the handler, on the client's thread

    func becameReady() { state.withLockedValue { $0.ready = true } }

    /// Takes the pending request, if any, and tells it what was found.
    func paused(frames: [StackFrame]) -> Bool {
        let now = Self.nowNanos()
        let taken = state.withLockedValue { state -> ((@Sendable (PauseReading) -> Void), UInt64)? in
            guard let pending = state.pending else { return nil }
            state.pending = nil
            return (pending, state.pauseSentAt)
        }
        guard let taken else { return false }
        let (done, sentAt) = taken
        // The held time is known only after the resume; the pause itself is
        // short (one resume round trip), measured by the bench.
        done(PauseReading(frames: frames, pauseLatencyMs: Double(now &- sentAt) / 1e6, heldMs: 0))
        return true
    }

    @discardableResult
    func send(_ message: [String: Any], on channel: Channel, id given: Int? = nil) -> Int {
        var message = message
        let id = given ?? nextId.wrappingAdd(1, ordering: .relaxed).newValue
        message["id"] = id
        guard let data = try? JSONSerialization.data(withJSONObject: message) else { return id }
        let frame = WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: channel.allocator.buffer(bytes: data))
        channel.writeAndFlush(frame, promise: nil)
        return id
    }

    static func nowNanos() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    /// `ws://127.0.0.1:9229/uuid` → host, port, path. Only plain ws:// (the
    /// inspector has no TLS).
    static func parse(_ url: String) -> (host: String, port: Int, path: String)? {
        guard let components = URLComponents(string: url), components.scheme == "ws",
              let host = components.host, !host.isEmpty, let port = components.port, (1...65535).contains(port) else { return nil }
        let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        return (host, port, path)
    }
}

/// Reads the inspector's messages on the client's thread: remembers every
/// script's file, answers a `Debugger.paused` with the frames and a resume.
final class InspectorHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    let client: InspectorClient
    var scripts: [String: String] = [:]

    init(client: InspectorClient) {
        self.client = client
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text:
            var buffer = frame.unmaskedData
            guard let bytes = buffer.readBytes(length: buffer.readableBytes),
                  let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else { return }
            handle(object, context: context)
        case .ping:
            let pong = WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: frame.unmaskedData)
            context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
        case .connectionClose:
            context.close(promise: nil)
        default:
            break
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }

    private func handle(_ message: [String: Any], context: ChannelHandlerContext) {
        if message["method"] == nil, let id = message["id"] as? Int, id == client.enableId.load(ordering: .relaxed) {
            client.enabled()
            return
        }
        guard let method = message["method"] as? String, let params = message["params"] as? [String: Any] else { return }
        switch method {
        case "Debugger.scriptParsed":
            if let id = params["scriptId"] as? String, let url = params["url"] as? String, !url.isEmpty,
               scripts.count < 200_000 {
                scripts[id] = url
            }
        case "Debugger.paused":
            let frames = (params["callFrames"] as? [[String: Any]] ?? []).compactMap(frame)
            _ = client.paused(frames: frames)
            // Resume even when nobody asked (a pause the app or a user made is
            // theirs only if they are attached; we are the only client here).
            client.send(["method": "Debugger.resume"], on: context.channel)
        default:
            break
        }
    }

    private func frame(_ raw: [String: Any]) -> StackFrame? {
        guard let location = raw["location"] as? [String: Any] else { return nil }
        let scriptId = location["scriptId"] as? String ?? ""
        var url = raw["url"] as? String ?? ""
        if url.isEmpty { url = scripts[scriptId] ?? "" }
        let file = Self.path(url)
        if let hidden = client.hiddenFile, file == hidden { return nil }
        let name = raw["functionName"] as? String ?? ""
        let line = (location["lineNumber"] as? Int ?? -1) + 1
        return StackFrame(function: name.isEmpty ? "(anonymous)" : name, file: file.isEmpty ? "(script \(scriptId))" : file, line: line)
    }

    /// `file:///srv/app.js` → `/srv/app.js`; other URLs stay as they are.
    static func path(_ url: String) -> String {
        if url.hasPrefix("file://"), let parsed = URL(string: url), parsed.isFileURL { return parsed.path }
        return url
    }
}
