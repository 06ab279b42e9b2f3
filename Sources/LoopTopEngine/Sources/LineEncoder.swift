/// A JSON encoder that writes straight into bytes as `encode(to:)` runs:
/// no intermediate tree. A recording encodes 10 frames a second, and
/// Foundation's `JSONEncoder` cost a millisecond a frame of 2 workers here,
/// a share of a core the recording must not take. Output is plain JSON
/// (keys in declaration order; NaN and infinities as "nan", "inf", "-inf",
/// which the reader's `JSONDecoder` is told to accept).
struct LineEncoder {
    /// The value as one line of JSON, without the newline.
    static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let writer = Writer()
        try value.encode(to: Node(writer: writer, depth: 0))
        writer.close(to: 0)
        return writer.bytes
    }

    final class Writer {
        // Unchecked: a writer is one line's, used by one thread, and never
        // reached through another access to itself; the dynamic checks on
        // every byte were a tenth of a recorded frame's CPU (perf).
        @exclusivity(unchecked) var bytes: [UInt8] = []
        /// Open containers: whether each is an object, and whether it holds an element yet.
        @exclusivity(unchecked) var open: [(object: Bool, filled: Bool)] = []

        init() { bytes.reserveCapacity(8192) }

        /// Closes the containers deeper than `depth`.
        func close(to depth: Int) {
            while open.count > depth {
                bytes.append(open.removeLast().object ? UInt8(ascii: "}") : UInt8(ascii: "]"))
            }
        }

        func begin(object: Bool, at depth: Int) {
            close(to: depth)
            bytes.append(object ? UInt8(ascii: "{") : UInt8(ascii: "["))
            open.append((object, false))
        }

        /// Starts the next element of the container at `depth` (1-based), with its key.
        func element(at depth: Int, key: String?) {
            close(to: depth)
            if open[depth - 1].filled { bytes.append(UInt8(ascii: ",")) }
            open[depth - 1].filled = true
            if let key {
                string(key)
                bytes.append(UInt8(ascii: ":"))
            }
        }

        func string(_ s: String) {
            bytes.append(UInt8(ascii: "\""))
            // Most strings (every key) need no escape: their bytes as they are.
            if s.utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
                bytes.append(contentsOf: s.utf8)
                bytes.append(UInt8(ascii: "\""))
                return
            }
            for b in s.utf8 {
                switch b {
                case UInt8(ascii: "\""): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
                case UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
                case 0x0A: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
                case 0x0D: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
                case 0x09: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
                case 0..<0x20:
                    let hex = Array("0123456789abcdef".utf8)
                    bytes += [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                              hex[Int(b >> 4)], hex[Int(b & 0xF)]]
                default: bytes.append(b)
                }
            }
            bytes.append(UInt8(ascii: "\""))
        }

        func raw(_ s: String) { bytes += s.utf8 }

        func double(_ d: Double) {
            if d.isNaN { string("nan") } else if d.isInfinite { string(d < 0 ? "-inf" : "inf") } else { raw("\(d)") }
        }
    }

    /// An encoder positioned where one value goes, `depth` containers in.
    struct Node: Encoder {
        let writer: Writer
        let depth: Int
        var codingPath: [CodingKey] = []
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        init(writer: Writer, depth: Int) {
            self.writer = writer
            self.depth = depth
        }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            writer.begin(object: true, at: depth)
            return KeyedEncodingContainer(Keyed<Key>(writer: writer, depth: depth + 1))
        }

        func unkeyedContainer() -> UnkeyedEncodingContainer {
            writer.begin(object: false, at: depth)
            return Unkeyed(writer: writer, depth: depth + 1)
        }

        func singleValueContainer() -> SingleValueEncodingContainer { Single(writer: writer, depth: depth) }
    }

    /// Writes one value at `depth` (its element already started).
    struct Single: SingleValueEncodingContainer {
        let writer: Writer
        let depth: Int
        var codingPath: [CodingKey] = []

        mutating func encodeNil() throws { writer.raw("null") }
        mutating func encode(_ value: Bool) throws { writer.raw(value ? "true" : "false") }
        mutating func encode(_ value: String) throws { writer.string(value) }
        mutating func encode(_ value: Double) throws { writer.double(value) }
        mutating func encode(_ value: Float) throws { writer.double(Double(value)) }
        mutating func encode(_ value: Int) throws { writer.raw(String(value)) }
        mutating func encode(_ value: Int8) throws { writer.raw(String(value)) }
        mutating func encode(_ value: Int16) throws { writer.raw(String(value)) }
        mutating func encode(_ value: Int32) throws { writer.raw(String(value)) }
        mutating func encode(_ value: Int64) throws { writer.raw(String(value)) }
        mutating func encode(_ value: UInt) throws { writer.raw(String(value)) }
        mutating func encode(_ value: UInt8) throws { writer.raw(String(value)) }
        mutating func encode(_ value: UInt16) throws { writer.raw(String(value)) }
        mutating func encode(_ value: UInt32) throws { writer.raw(String(value)) }
        mutating func encode(_ value: UInt64) throws { writer.raw(String(value)) }
        mutating func encode<T: Encodable>(_ value: T) throws { try value.encode(to: Node(writer: writer, depth: depth)) }
    }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let writer: Writer
        /// This container's own depth (1-based index into `writer.open`).
        let depth: Int
        var codingPath: [CodingKey] = []

        private func at(_ key: Key) -> Single {
            writer.element(at: depth, key: key.stringValue)
            return Single(writer: writer, depth: depth)
        }

        mutating func encodeNil(forKey key: Key) throws { var s = at(key); try s.encodeNil() }
        mutating func encode(_ value: Bool, forKey key: Key) throws { var s = at(key); try s.encode(value) }
        mutating func encode(_ value: String, forKey key: Key) throws { var s = at(key); try s.encode(value) }
        mutating func encode(_ value: Double, forKey key: Key) throws { var s = at(key); try s.encode(value) }
        mutating func encode(_ value: Float, forKey key: Key) throws { var s = at(key); try s.encode(value) }
        mutating func encode(_ value: Int, forKey key: Key) throws { var s = at(key); try s.encode(value) }
        mutating func encode(_ value: Int8, forKey key: Key) throws { var s = at(key); try s.encode(value) }
        mutating func encode(_ value: Int16, forKey key: Key) throws { var s = at(key); try s.encode(value) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { var s = at(key); try s.encode(value) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { var s = at(key); try s.encode(value) }
        mutating func encode(_ value: UInt, forKey key: Key) throws { var s = at(key); try s.encode(value) }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { var s = at(key); try s.encode(value) }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { var s = at(key); try s.encode(value) }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { var s = at(key); try s.encode(value) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { var s = at(key); try s.encode(value) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { var s = at(key); try s.encode(value) }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            writer.element(at: depth, key: key.stringValue)
            return Node(writer: writer, depth: depth).container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> UnkeyedEncodingContainer {
            writer.element(at: depth, key: key.stringValue)
            return Node(writer: writer, depth: depth).unkeyedContainer()
        }

        mutating func superEncoder() -> Encoder {
            writer.element(at: depth, key: "super")
            return Node(writer: writer, depth: depth)
        }

        mutating func superEncoder(forKey key: Key) -> Encoder {
            writer.element(at: depth, key: key.stringValue)
            return Node(writer: writer, depth: depth)
        }
    }

    struct Unkeyed: UnkeyedEncodingContainer {
        let writer: Writer
        let depth: Int
        var codingPath: [CodingKey] = []
        var count = 0

        private mutating func next() -> Single {
            writer.element(at: depth, key: nil)
            count += 1
            return Single(writer: writer, depth: depth)
        }

        mutating func encodeNil() throws { var s = next(); try s.encodeNil() }
        mutating func encode(_ value: Bool) throws { var s = next(); try s.encode(value) }
        mutating func encode(_ value: String) throws { var s = next(); try s.encode(value) }
        mutating func encode(_ value: Double) throws { var s = next(); try s.encode(value) }
        mutating func encode(_ value: Float) throws { var s = next(); try s.encode(value) }
        mutating func encode(_ value: Int) throws { var s = next(); try s.encode(value) }
        mutating func encode(_ value: Int8) throws { var s = next(); try s.encode(value) }
        mutating func encode(_ value: Int16) throws { var s = next(); try s.encode(value) }
        mutating func encode(_ value: Int32) throws { var s = next(); try s.encode(value) }
        mutating func encode(_ value: Int64) throws { var s = next(); try s.encode(value) }
        mutating func encode(_ value: UInt) throws { var s = next(); try s.encode(value) }
        mutating func encode(_ value: UInt8) throws { var s = next(); try s.encode(value) }
        mutating func encode(_ value: UInt16) throws { var s = next(); try s.encode(value) }
        mutating func encode(_ value: UInt32) throws { var s = next(); try s.encode(value) }
        mutating func encode(_ value: UInt64) throws { var s = next(); try s.encode(value) }
        mutating func encode<T: Encodable>(_ value: T) throws { var s = next(); try s.encode(value) }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            writer.element(at: depth, key: nil)
            count += 1
            return Node(writer: writer, depth: depth).container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer() -> UnkeyedEncodingContainer {
            writer.element(at: depth, key: nil)
            count += 1
            return Node(writer: writer, depth: depth).unkeyedContainer()
        }

        mutating func superEncoder() -> Encoder {
            writer.element(at: depth, key: nil)
            count += 1
            return Node(writer: writer, depth: depth)
        }
    }
}
