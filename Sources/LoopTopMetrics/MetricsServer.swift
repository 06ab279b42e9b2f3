#if canImport(Glibc)
import Glibc
#endif
import CSystemShims
import LoopTopEngine
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// The `--metrics` HTTP server: `GET /metrics` answers the newest published
/// snapshot in the Prometheus text format; every other path is a 404.
///
/// It runs on one SwiftNIO event-loop thread of its own (`looptop-metrics`
/// in `ps -L`), never on the UI thread, the event loop or a worker. Those
/// only publish into a ``SnapshotBox``; a scrape reads the box and formats on
/// the exporter's thread, so a slow, stuck or hostile client costs that thread
/// at most and the run never waits for it. Each connection is held to bounds:
/// a request must arrive whole within ``Limits/requestTimeout`` of the
/// connection opening (or of the previous answer), headers are capped (an
/// over-long request line or header gets a 400 and the connection closes), a
/// body is refused, and at most ``Limits/connections`` are open at once.
public final class MetricsServer: Sendable {
    public struct Limits: Sendable {
        /// Time a client has to send a whole request, from connecting or from our last answer.
        public var requestTimeout: TimeAmount = .seconds(10)
        /// Connections open at once; more are closed on arrival.
        public var connections = 32
        /// Largest header field (the request line counts as one), bytes.
        public var headerFieldBytes = 8 * 1024
        /// All header fields of one request together, bytes.
        public var headerBytes = 32 * 1024
        /// Largest request body accepted (a scrape has none), bytes.
        public var bodyBytes = 0
        /// Per-worker series at most (``WorkerSeries``).
        public var workerSeries = 256

        public init() {}
    }

    /// Where it listens: the host asked for, with the port the OS gave.
    public let address: MetricsAddress
    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel
    private let metrics: NIOLoopBound<SnapshotMetrics>
    private let box: SnapshotBox
    let open: ConnectionCount

    public var url: String { "http://\(address)/metrics" }

    /// Binds `address` and starts serving `box`. Throws ``MetricsServerError``
    /// (its description is the one line to print) when it cannot listen there.
    public static func start(at address: MetricsAddress, box: SnapshotBox, limits: Limits = Limits()) throws(MetricsServerError) -> MetricsServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        // Named from inside the thread, as the engine names its own.
        try? loop.submit { _ = looptop_set_thread_name("looptop-metrics") }.wait()
        let metrics = try! loop.submit { NIOLoopBound(SnapshotMetrics(workerCap: limits.workerSeries), eventLoop: loop) }.wait()
        let open = ConnectionCount()
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 16)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                guard open.enter(limit: limits.connections) else {
                    return channel.close()
                }
                channel.closeFuture.whenComplete { _ in open.leave() }
                do {
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(BackPressureHandler())
                    var decoderLimits = NIOHTTPDecoderLimitConfiguration()
                    decoderLimits.maxHeaderFieldSize = limits.headerFieldBytes
                    decoderLimits.maxHeaderListSize = limits.headerBytes
                    decoderLimits.maxHeaderFieldCount = 64
                    try sync.configureHTTPServerPipeline(
                        withErrorHandling: true, withOutboundHeaderValidation: true,
                        withEncoderConfiguration: .init(), withDecoderLimitConfiguration: decoderLimits)
                    try sync.addHandler(ScrapeHandler(metrics: metrics, box: box, limits: limits))
                    return channel.eventLoop.makeSucceededVoidFuture()
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
        do {
            let channel = try bootstrap.bind(host: address.host, port: address.port).wait()
            let bound = MetricsAddress(host: address.host, port: channel.localAddress?.port ?? address.port)
            let server = MetricsServer(address: bound, group: group, channel: channel, metrics: metrics, box: box, open: open)
            // Fold new snapshots in once a second as well as at each scrape, so a
            // scrape after a long gap does not record a minute of samples at once.
            _ = loop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { _ in
                if let published = box.latest() { metrics.value.update(from: published, now: MonotonicTime.now()) }
            }
            return server
        } catch {
            try? group.syncShutdownGracefully()
            throw MetricsServerError(address: address, reason: Self.describe(error))
        }
    }

    private init(address: MetricsAddress, group: MultiThreadedEventLoopGroup, channel: any Channel,
                 metrics: NIOLoopBound<SnapshotMetrics>, box: SnapshotBox, open: ConnectionCount) {
        self.address = address
        self.group = group
        self.channel = channel
        self.metrics = metrics
        self.box = box
        self.open = open
    }

    /// Stops listening and ends the exporter's thread. Call once, not from that thread.
    public func stop() {
        try? channel.close().wait()
        try? group.syncShutdownGracefully()
    }

    /// CPU time the exporter's thread has used so far, ns (read on that thread).
    public func threadCPUNanos() -> UInt64 {
        (try? group.next().submit { UInt64(max(0, looptop_self_cpu_ns())) }.wait()) ?? 0
    }

    /// Connections open now.
    public var openConnections: Int { open.count }

    static func describe(_ error: any Error) -> String {
        if let io = error as? IOError {
            return String(cString: strerror(io.errnoCode)).lowercased()
        }
        if let address = error as? SocketAddressError, case .unknown(let host, _) = address {
            return "cannot resolve '\(host)'"
        }
        return "\(error)"
    }
}

/// Why `--metrics` could not listen; its description is the one line to print.
public struct MetricsServerError: Error, CustomStringConvertible {
    public var address: MetricsAddress
    public var reason: String
    public var description: String { "--metrics \(address): cannot listen: \(reason)" }
}

/// Open connections, counted against the limit.
final class ConnectionCount: Sendable {
    private let value = Atomic<Int>(0)

    func enter(limit: Int) -> Bool {
        let now = value.wrappingAdd(1, ordering: .relaxed).newValue
        if now > limit {
            value.wrappingSubtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    func leave() { value.wrappingSubtract(1, ordering: .relaxed) }

    var count: Int { value.load(ordering: .relaxed) }
}
