import NIOCore
import NIOHTTP1

/// One connection's requests: `GET /metrics` gets the exposition, other paths
/// a 404, other methods a 405, a body a 413; a request not whole in time
/// closes the connection. Runs on the exporter's event loop only.
final class ScrapeHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    private let metrics: NIOLoopBound<SnapshotMetrics>
    private let box: SnapshotBox
    private let limits: MetricsServer.Limits
    private var deadline: Scheduled<Void>?
    private var head: HTTPRequestHead?
    private var bodyBytes = 0
    /// An answer has been sent for this request already (an error mid-request).
    private var answered = false

    init(metrics: NIOLoopBound<SnapshotMetrics>, box: SnapshotBox, limits: MetricsServer.Limits) {
        self.metrics = metrics
        self.box = box
        self.limits = limits
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { armDeadline(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        armDeadline(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            head = request
            bodyBytes = 0
            answered = false
        case .body(let chunk):
            bodyBytes += chunk.readableBytes
            if bodyBytes > limits.bodyBytes, !answered {
                answered = true
                respond(context, status: .payloadTooLarge, body: "a scrape has no body\n", close: true)
            }
        case .end:
            guard let request = head, !answered else { return }
            head = nil
            answer(context, request)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Protocol errors were answered (400) by NIO's error handler; anything else ends the connection.
        context.close(promise: nil)
    }

    private func answer(_ context: ChannelHandlerContext, _ request: HTTPRequestHead) {
        let path = request.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        guard path == "/metrics" else {
            respond(context, status: .notFound, body: "not found: looptop serves /metrics\n", close: !request.isKeepAlive)
            return
        }
        guard request.method == .GET else {
            respond(context, status: .methodNotAllowed, body: "only GET\n", close: true, extra: [("Allow", "GET")])
            return
        }
        guard let published = box.latest() else {
            respond(context, status: .serviceUnavailable, body: "no snapshot yet: the run is starting\n",
                    close: !request.isKeepAlive, extra: [("Retry-After", "1")])
            return
        }
        let metrics = self.metrics.value
        metrics.update(from: published, now: MonotonicTime.now())
        let bytes = metrics.exposition()
        var buffer = context.channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        respond(context, status: .ok, body: buffer, close: !request.isKeepAlive,
                extra: [("Content-Type", Self.contentType)])
    }

    private func respond(_ context: ChannelHandlerContext, status: HTTPResponseStatus, body: String, close: Bool,
                         extra: [(String, String)] = []) {
        var buffer = context.channel.allocator.buffer(capacity: body.utf8.count)
        buffer.writeString(body)
        respond(context, status: status, body: buffer, close: close,
                extra: extra.contains { $0.0 == "Content-Type" } ? extra : extra + [("Content-Type", "text/plain; charset=utf-8")])
    }

    private func respond(_ context: ChannelHandlerContext, status: HTTPResponseStatus, body: ByteBuffer, close: Bool,
                         extra: [(String, String)]) {
        var headers = HTTPHeaders(extra)
        headers.add(name: "Content-Length", value: String(body.readableBytes))
        if close { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        let done = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: done)
        if close {
            let channel = context.channel
            done.futureResult.whenComplete { _ in channel.close(promise: nil) }
        } else {
            // The client has the same time again for its next request.
            armDeadline(context)
        }
    }

    /// Closes the connection unless a whole request has arrived by then.
    private func armDeadline(_ context: ChannelHandlerContext) {
        deadline?.cancel()
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: limits.requestTimeout) {
            channel.close(promise: nil)
        }
    }
}
