import Synchronization

/// How a job's input buffer reaches its worker, as in Node's worker_threads.
public enum DataPassing: String, Sendable, CaseIterable, Codable {
    /// A fresh copy per job, made on the loop (postMessage's structured clone).
    case copy
    /// Ownership moves to the worker and back, zero-copy (a transfer list).
    case transfer
    /// One region both sides see, handed over with atomics (SharedArrayBuffer + Atomics).
    case shared

    public var next: DataPassing {
        switch self {
        case .copy: .transfer
        case .transfer: .shared
        case .shared: .copy
        }
    }
}

/// Raw bytes owned by one side at a time (or shared, read-only, by all).
final class InputBuffer: @unchecked Sendable {
    let bytes: UnsafeMutableRawBufferPointer

    init(count: Int) {
        // Left uninitialised: every maker fills it (copy or generated data).
        bytes = .allocate(byteCount: max(8, count), alignment: 16)
    }

    /// A buffer holding `count` bytes of deterministic data.
    static func filled(count: Int, seed: UInt64) -> InputBuffer {
        let buffer = InputBuffer(count: count)
        var rng = SplitMix64(seed: seed)
        let words = buffer.bytes.count / 8
        let typed = buffer.bytes.bindMemory(to: UInt64.self)
        for i in 0..<words { typed[i] = rng.next() }
        for i in (words * 8)..<buffer.bytes.count { buffer.bytes[i] = 0 }
        return buffer
    }

    /// A real copy (memcpy), never a shared reference.
    func copy() -> InputBuffer {
        let other = InputBuffer(count: bytes.count)
        other.bytes.copyMemory(from: UnsafeRawBufferPointer(bytes))
        return other
    }

    /// Reads every byte: the receiving side's work with its input.
    func checksum() -> UInt64 {
        let words = bytes.count / 8
        let typed = bytes.bindMemory(to: UInt64.self)
        var sum: UInt64 = 0
        for i in 0..<words { sum = (sum &+ typed[i]) &* 0x9E37_79B9_7F4A_7C15 }
        return sum
    }

    deinit { bytes.deallocate() }
}

/// The region shared by the loop and every worker in `shared` mode. The loop
/// writes it once, then publishes a generation number with a release store;
/// a worker acquire-loads the generation before it reads, so it sees the bytes
/// as written (the Atomics.store / Atomics.load hand-over of a SharedArrayBuffer).
final class SharedRegion: Sendable {
    let buffer: InputBuffer
    private let generation = Atomic<UInt64>(0)

    init(buffer: InputBuffer) { self.buffer = buffer }

    func publish(_ value: UInt64) { generation.store(value, ordering: .releasing) }
    func published() -> UInt64 { generation.load(ordering: .acquiring) }
}

/// A job's input and what it cost to hand over.
public struct JobInput: Sendable {
    public let passing: DataPassing
    public let byteCount: Int
    /// Bytes copied to hand it over (only `copy` copies).
    public let copiedBytes: Int
    /// Time the loop spent copying, ns.
    public let copyNanos: UInt64
    /// Bytes of a new travelling buffer made because none had come back yet
    /// (`transfer` only: with many jobs in flight, each needs its own buffer).
    public var allocatedBytes = 0
    let expectedChecksum: UInt64
    let storage: Storage

    enum Storage: Sendable {
        case owned(InputBuffer)
        case shared(SharedRegion, generation: UInt64)
    }

    /// Reads the input on the worker and checks it arrived intact.
    func consume() throws {
        let buffer: InputBuffer
        switch storage {
        case .owned(let owned):
            buffer = owned
        case .shared(let region, let generation):
            guard region.published() >= generation else {
                throw WorkloadError("shared input not yet published (generation \(generation))")
            }
            buffer = region.buffer
        }
        guard buffer.checksum() == expectedChecksum else {
            throw WorkloadError("input arrived corrupted (\(passing.rawValue))")
        }
    }

    /// The buffer to give back to the loop after a transfer.
    var transferable: InputBuffer? {
        if passing == .transfer, case .owned(let buffer) = storage { return buffer }
        return nil
    }
}

/// The loop's side of data passing: the source data, the buffers that travel
/// back and forth in `transfer` mode, and the shared region.
struct InputSource {
    private(set) var byteCount = 0
    private var source: InputBuffer?
    private var checksum: UInt64 = 0
    private var spares: [InputBuffer] = []
    private var region: SharedRegion?
    private var generation: UInt64 = 0

    /// Makes an input of `byteCount` bytes handed over by `passing`; nil when 0.
    mutating func make(byteCount wanted: Int, passing: DataPassing, clock: any EngineClock) -> JobInput? {
        guard wanted > 0 else { return nil }
        if wanted != byteCount || source == nil {
            byteCount = wanted
            let fresh = InputBuffer.filled(count: wanted, seed: UInt64(wanted))
            source = fresh
            checksum = fresh.checksum()
            spares.removeAll()
            region = nil
        }
        guard let source else { return nil }
        switch passing {
        case .copy:
            let start = clock.now()
            let copy = source.copy()
            let spent = clock.now() &- start
            return JobInput(passing: .copy, byteCount: wanted, copiedBytes: wanted, copyNanos: spent,
                            expectedChecksum: checksum, storage: .owned(copy))
        case .transfer:
            // A buffer that came back from a worker, or (while too few are in
            // flight) one more made for the pool of travelling buffers.
            let spare = spares.popLast()
            var input = JobInput(passing: .transfer, byteCount: wanted, copiedBytes: 0, copyNanos: 0,
                                 expectedChecksum: checksum, storage: .owned(spare ?? source.copy()))
            if spare == nil { input.allocatedBytes = wanted }
            return input
        case .shared:
            if region == nil {
                region = SharedRegion(buffer: source)
                generation += 1
                region?.publish(generation)
            }
            return JobInput(passing: .shared, byteCount: wanted, copiedBytes: 0, copyNanos: 0,
                            expectedChecksum: checksum, storage: .shared(region!, generation: generation))
        }
    }

    /// Takes back a buffer a worker transferred home.
    mutating func giveBack(_ buffer: InputBuffer) {
        guard buffer.bytes.count == max(8, byteCount), spares.count < 1024 else { return }
        spares.append(buffer)
    }
}
