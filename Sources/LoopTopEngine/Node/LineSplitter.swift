/// Cuts a byte stream into lines, never holding more than `maxLine` bytes: a
/// longer line is dropped whole (up to its newline) and counted, so a
/// malformed or hostile peer can cost memory only up to the bound.
public struct LineSplitter: Sendable {
    public let maxLine: Int
    private var buffer: [UInt8] = []
    private var skipping = false
    /// Lines dropped for being longer than `maxLine`.
    public private(set) var dropped: UInt64 = 0

    public init(maxLine: Int = 1 << 20) {
        self.maxLine = maxLine
    }

    /// Bytes waiting for their newline.
    public var partial: [UInt8] { buffer }

    /// Appends `bytes` and returns the complete lines, without their newlines.
    public mutating func feed<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                if skipping { skipping = false } else { lines.append(buffer) }
                buffer.removeAll(keepingCapacity: true)
            } else if !skipping {
                if buffer.count >= maxLine {
                    dropped += 1
                    skipping = true
                    buffer.removeAll(keepingCapacity: false)
                } else {
                    buffer.append(byte)
                }
            }
        }
        return lines
    }

    /// Takes what is left without a newline (at the end of the stream).
    public mutating func flush() -> [UInt8]? {
        defer { buffer.removeAll(); skipping = false }
        return buffer.isEmpty || skipping ? nil : buffer
    }
}
