import Crypto
import CSV
import Foundation

// The built-in kernels beyond spin and primes. Each computes something real,
// advances one unit per step (tens to hundreds of µs), and checks its own
// result, throwing WorkloadError when it is wrong.

// MARK: hash

/// `hash`: SHA-256 (swift-crypto) over generated buffers, chained so no
/// digest goes unused; each job's own digest is checked against a reference.
///
/// A job hashes one of ``inputVariants`` generated inputs (picked by its
/// seed): unit i hashes the input's buffer after its i-th change, and the
/// job's result is the SHA-256 of its units' digests in order. The
/// reference keeps, per input, the digest of every unit index any job has
/// reached, computed once by a separate pass (one-shot hashes) and extended
/// when a longer job comes; a job's reference result is the SHA-256 of the
/// first `units` of them, which costs 32 bytes of hashing a unit against the
/// job's 64 KiB. So only a job that goes past every earlier one pays for the
/// reference, and job sizes stay true (issue 11: when the reference was kept
/// per unit count, the first jobs of each new size cost twice the others and
/// the sizer swung between them).
public struct HashWorkload: Workload {
    public let name = "hash"
    public let summary = "SHA-256 of generated buffers (swift-crypto); each job's digest checked against a reference"
    public let bytesPerUnit: Int
    public var parameters: String { "unit: \(bytesPerUnit / 1024) KiB hashed" }

    public init(bytesPerUnit: Int = 64 * 1024) { self.bytesPerUnit = max(64, bytesPerUnit) }

    public func makeRun(units: Int, seed: UInt64) -> any WorkloadRun {
        HashRun(units: units, seed: seed, bytes: bytesPerUnit)
    }

    /// SHA-256("abc"), FIPS 180-2 appendix B.1: checked before a reference is trusted.
    static let knownAnswer = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

    /// Distinct inputs jobs draw from: few, so references are computed once
    /// each and then reused; enough that neighbouring jobs hash different bytes.
    static let inputVariants: UInt64 = 16

    /// Which input a job hashes, and how many units of it.
    struct Input: Hashable, Sendable {
        let variant: UInt64
        let bytes: Int
        let units: Int
        var stem: Stem { Stem(variant: variant, bytes: bytes) }
    }

    /// An input whatever its length: what the reference is kept by.
    struct Stem: Hashable, Sendable {
        let variant: UInt64
        let bytes: Int
    }

    /// The unit digests of an input so far, and its buffer after the last of them.
    struct Reference: Sendable {
        var buffer: [UInt8]
        var digests: [UInt8]
        var units: Int { digests.count / SHA256.byteCount }
    }

    /// Reference digests by input. Bounded: an input keeps at most
    /// ``referenceUnits`` unit digests (32 bytes each); a longer job checks
    /// its units past them by a pass of its own, so every job is checked.
    static let references = ConditionMutex<[Stem: Reference]>([:])
    static let referenceUnits = 16_384
    static let knownAnswerChecked = ConditionMutex(false)

    /// The reference result of `input`: the SHA-256 of its first `units` unit digests.
    static func reference(for input: Input) throws -> [UInt8] {
        try checkKnownAnswer()
        let needed = input.units
        // A copy of what is kept, in buffers of its own (read outside the lock).
        let kept = references.withLock { table -> (digests: [UInt8], buffer: [UInt8]?)? in
            guard let r = table[input.stem] else { return nil }
            if r.units >= needed { return (Array(r.digests[0..<(needed * SHA256.byteCount)]), nil) }
            return (r.digests.map { $0 }, r.buffer.map { $0 })
        }
        if let kept, kept.buffer == nil { return Array(SHA256.hash(data: kept.digests)) }
        var buffer = kept?.buffer ?? HashRun.generate(input)
        var digests = kept?.digests ?? []
        digests.reserveCapacity(needed * SHA256.byteCount)
        // The same bytes as a run hashes, but each unit's digest kept and the
        // chain hashed in one shot at the end, rather than fed in as it goes.
        for unit in (digests.count / SHA256.byteCount)..<needed {
            buffer[unit % buffer.count] &+= 1
            digests.append(contentsOf: SHA256.hash(data: buffer))
        }
        if needed <= referenceUnits {
            let grown = Reference(buffer: buffer, digests: digests)
            references.withLock { table in
                if (table[input.stem]?.units ?? 0) < needed { table[input.stem] = grown }
            }
        }
        return Array(SHA256.hash(data: digests[0..<(needed * SHA256.byteCount)]))
    }

    private static func checkKnownAnswer() throws {
        guard !knownAnswerChecked.withLock({ $0 }) else { return }
        let check = SHA256.hash(data: Array("abc".utf8)).map { String(format: "%02x", $0) }.joined()
        guard check == knownAnswer else { throw WorkloadError("hash: SHA-256(\"abc\") gave \(check)") }
        knownAnswerChecked.withLock { $0 = true }
    }
}

final class HashRun: WorkloadRun {
    private let input: HashWorkload.Input
    private var done = 0
    private var buffer: [UInt8]
    private var chain = SHA256()

    init(units: Int, seed: UInt64, bytes: Int) {
        input = HashWorkload.Input(variant: seed % HashWorkload.inputVariants, bytes: bytes, units: max(1, units))
        buffer = Self.generate(input)
    }

    /// The generated bytes of an input, before its first unit.
    static func generate(_ input: HashWorkload.Input) -> [UInt8] {
        var rng = SplitMix64(seed: 0x4A5B_0000 &+ input.variant)
        return (0..<input.bytes).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    }

    func step(_ context: JobContext) throws -> Bool {
        buffer[done % buffer.count] &+= 1  // each unit hashes different bytes
        let digest = SHA256.hash(data: buffer)
        digest.withUnsafeBytes { chain.update(bufferPointer: $0) }
        done += 1
        guard done >= input.units else { return false }
        let result = Array(chain.finalize())
        let reference = try HashWorkload.reference(for: input)
        guard result == reference else {
            throw WorkloadError("hash: digest \(Self.hex(result).prefix(16))… differs from the reference "
                                + "\(Self.hex(reference).prefix(16))… for input \(input.variant) (\(input.units) units)")
        }
        return true
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
}

// MARK: matmul

/// `matmul`: C = A×B for n×n Double matrices, verified with Freivalds' check
/// (C·r == A·(B·r) for a random r), which costs O(n²) against the O(n³) work.
public struct MatmulWorkload: Workload {
    public let name = "matmul"
    public let summary = "n×n matrix product; Freivalds' check on each product"
    public let n: Int
    public var parameters: String { "n=\(n); unit: \(MatmulRun.rowsPerUnit) rows" }

    public init(n: Int = 128) { self.n = max(MatmulRun.rowsPerUnit, n) }

    /// Any number of units: a job that ends inside a product checks the rows
    /// it made (Freivalds' check holds row by row), so a job's size is not
    /// rounded to whole products (issue 11: 20 ms asked, 16 or 24 run).
    public func makeRun(units: Int, seed: UInt64) -> any WorkloadRun { MatmulRun(units: units, seed: seed, n: n) }
}

final class MatmulRun: WorkloadRun {
    static let rowsPerUnit = 8
    private let units: Int
    private let n: Int
    private var done = 0
    private var row = 0
    private let a: [Double]
    private let b: [Double]
    private var c: [Double]

    init(units: Int, seed: UInt64, n: Int) {
        self.units = max(1, units)
        self.n = n
        var rng = SplitMix64(seed: seed)
        a = (0..<(n * n)).map { _ in rng.nextUnit() - 0.5 }
        b = (0..<(n * n)).map { _ in rng.nextUnit() - 0.5 }
        c = [Double](repeating: 0, count: n * n)
    }

    func step(_ context: JobContext) throws -> Bool {
        let end = min(n, row + Self.rowsPerUnit)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    for i in row..<end {
                        for j in 0..<n { c[i * n + j] = 0 }
                        for k in 0..<n {
                            let aik = a[i * n + k]
                            for j in 0..<n { c[i * n + j] += aik * b[k * n + j] }
                        }
                    }
                }
            }
        }
        row = end
        if row == n {
            try verify(rows: n)
            row = 0
        }
        done += 1
        if done >= units, row > 0 { try verify(rows: row) }
        return done >= units
    }

    /// Freivalds' check of the first `rows` rows of C = A·B: (C·r)ᵢ = (A·(B·r))ᵢ.
    private func verify(rows: Int) throws {
        var rng = SplitMix64(seed: UInt64(n))
        let r = (0..<n).map { _ in rng.nextUnit() }
        func times(_ m: [Double], _ v: [Double]) -> [Double] {
            (0..<n).map { i in (0..<n).reduce(0.0) { $0 + m[i * n + $1] * v[$1] } }
        }
        func times(_ m: [Double], _ v: [Double], rows: Int) -> [Double] {
            (0..<rows).map { i in (0..<n).reduce(0.0) { $0 + m[i * n + $1] * v[$1] } }
        }
        let left = times(c, r, rows: rows)
        let right = times(a, times(b, r), rows: rows)
        for i in 0..<rows where abs(left[i] - right[i]) > 1e-6 * Double(n) {
            throw WorkloadError("matmul: Freivalds' check failed at row \(i)")
        }
    }
}

// MARK: sort

/// `sort`: sorts arrays of random integers; checks order and that no element
/// was lost (the sums match).
public struct SortWorkload: Workload {
    public let name = "sort"
    public let summary = "sorts random integers; order and sum checked"
    public let elements: Int
    public var parameters: String { "unit: \(elements) integers sorted" }

    public init(elements: Int = 4096) { self.elements = max(2, elements) }

    public func makeRun(units: Int, seed: UInt64) -> any WorkloadRun { SortRun(units: units, seed: seed, elements: elements) }
}

final class SortRun: WorkloadRun {
    private let units: Int
    private let elements: Int
    private var done = 0
    private var rng: SplitMix64

    init(units: Int, seed: UInt64, elements: Int) {
        self.units = max(1, units)
        self.elements = elements
        rng = SplitMix64(seed: seed)
    }

    func step(_ context: JobContext) throws -> Bool {
        var values = (0..<elements).map { _ in UInt32(truncatingIfNeeded: rng.next()) }
        let sum = values.reduce(UInt64(0)) { $0 &+ UInt64($1) }
        values.sort()
        for i in 1..<values.count where values[i - 1] > values[i] {
            throw WorkloadError("sort: out of order at \(i)")
        }
        guard values.reduce(UInt64(0), { $0 &+ UInt64($1) }) == sum else { throw WorkloadError("sort: elements lost") }
        done += 1
        return done >= units
    }
}

// MARK: csv-parse

/// `csv-parse`: parses a generated CSV into typed records with CSV.swift's
/// Decodable reader, the example every worker-threads article uses.
public struct CSVParseWorkload: Workload {
    public let name = "csv-parse"
    public let summary = "parses generated CSV into typed records (CSV.swift); totals checked"
    public let rows: Int
    public var parameters: String { "unit: \(rows) rows parsed" }

    public init(rows: Int = 50) { self.rows = max(1, rows) }

    public func makeRun(units: Int, seed: UInt64) -> any WorkloadRun { CSVParseRun(units: units, seed: seed, rows: rows) }

    struct Order: Decodable {
        let id: Int
        let customer: String
        let price: Double
        let quantity: Int
    }
}

final class CSVParseRun: WorkloadRun {
    private let units: Int
    private var done = 0
    private let text: String
    private let expectedQuantity: Int
    private let rows: Int

    init(units: Int, seed: UInt64, rows: Int) {
        self.units = max(1, units)
        self.rows = rows
        var rng = SplitMix64(seed: seed)
        var lines = ["id,customer,price,quantity"]
        var quantity = 0
        for id in 0..<rows {
            let q = Int(rng.next() % 50) + 1
            quantity += q
            let price = Double(rng.next() % 100_000) / 100
            lines.append("\(id),\"Customer \(rng.next() % 997), Ltd\",\(price),\(q)")
        }
        text = lines.joined(separator: "\n")
        expectedQuantity = quantity
    }

    func step(_ context: JobContext) throws -> Bool {
        let reader = try CSVReader(string: text, hasHeaderRow: true)
        let decoder = CSVRowDecoder()
        var count = 0
        var quantity = 0
        while reader.next() != nil {
            let order = try decoder.decode(CSVParseWorkload.Order.self, from: reader)
            quantity += order.quantity
            count += 1
        }
        guard count == rows, quantity == expectedQuantity else {
            throw WorkloadError("csv-parse: read \(count) rows, quantity \(quantity); expected \(rows), \(expectedQuantity)")
        }
        done += 1
        return done >= units
    }
}

// MARK: json

/// `json`: encodes a generated document with Foundation's JSONEncoder, decodes
/// it back, and checks the round trip.
public struct JSONWorkload: Workload {
    public let name = "json"
    public let summary = "JSON encode + decode of a generated document (Foundation); round trip checked"
    public let records: Int
    public var parameters: String { "unit: \(records) records encoded and decoded" }

    public init(records: Int = 40) { self.records = max(1, records) }

    public func makeRun(units: Int, seed: UInt64) -> any WorkloadRun { JSONRun(units: units, seed: seed, records: records) }

    struct Record: Codable, Equatable {
        let id: Int
        let name: String
        let tags: [String]
        let score: Double
        let active: Bool
    }
}

final class JSONRun: WorkloadRun {
    private let units: Int
    private var done = 0
    private let document: [JSONWorkload.Record]
    private let encoder = JSONEncoder()
    private let decoder = JSONDecoder()

    init(units: Int, seed: UInt64, records: Int) {
        self.units = max(1, units)
        var rng = SplitMix64(seed: seed)
        document = (0..<records).map { i in
            JSONWorkload.Record(id: i, name: "item-\(rng.next() % 10_000)",
                                tags: (0..<3).map { _ in "t\(rng.next() % 100)" },
                                score: Double(rng.next() % 10_000) / 7, active: rng.next() % 2 == 0)
        }
    }

    func step(_ context: JobContext) throws -> Bool {
        let data = try encoder.encode(document)
        let back = try decoder.decode([JSONWorkload.Record].self, from: data)
        guard back == document else { throw WorkloadError("json: round trip changed the document") }
        done += 1
        return done >= units
    }
}

// MARK: mandelbrot

/// `mandelbrot`: escape-time iterations over an image centred on the real
/// axis; a row and its mirror row must agree, so each unit checks itself.
public struct MandelbrotWorkload: Workload {
    public let name = "mandelbrot"
    public let summary = "Mandelbrot escape times; mirror rows checked for symmetry"
    public let width: Int
    public let maxIterations: Int
    public var parameters: String {
        "width=\(width), iterations=\(maxIterations); unit: \(width / 2 / MandelbrotRun.slices) rows and their mirrors"
    }

    public init(width: Int = 256, maxIterations: Int = 256) {
        self.width = max(2 * MandelbrotRun.slices, width)
        self.maxIterations = max(1, maxIterations)
    }

    public func makeRun(units: Int, seed: UInt64) -> any WorkloadRun {
        MandelbrotRun(units: units, seed: seed, width: width, maxIterations: maxIterations)
    }
}

final class MandelbrotRun: WorkloadRun {
    private let units: Int
    private let width: Int
    private let maxIterations: Int
    private var done = 0

    /// The top half's rows are dealt into this many interleaved slices
    /// (rows i, i+32, i+64, …), so every unit holds rows near and far from
    /// the set and costs about the same.
    static let slices = 32
    private var slice: Int

    init(units: Int, seed: UInt64, width: Int, maxIterations: Int) {
        self.units = max(1, units)
        self.width = width
        self.maxIterations = maxIterations
        slice = Int(seed % UInt64(Self.slices))
    }

    private func escape(_ cr: Double, _ ci: Double) -> Int {
        var (zr, zi) = (0.0, 0.0)
        var n = 0
        while n < maxIterations, zr * zr + zi * zi <= 4 {
            (zr, zi) = (zr * zr - zi * zi + cr, 2 * zr * zi + ci)
            n += 1
        }
        return n
    }

    func step(_ context: JobContext) throws -> Bool {
        // Rows y and height-1-y sit at +ci and -ci: escape times must match.
        let height = width
        let scale = 3.0 / Double(width)
        var row = slice
        while row < height / 2 {
            let ci = (Double(row) + 0.5) * scale - 1.5
            var total = 0
            for x in 0..<width {
                let cr = Double(x) * scale - 2.25
                let top = escape(cr, ci)
                let bottom = escape(cr, -ci)
                guard top == bottom else {
                    throw WorkloadError("mandelbrot: rows \(row) and \(height - 1 - row) differ at column \(x)")
                }
                total += top
            }
            guard total > 0 else { throw WorkloadError("mandelbrot: empty row \(row)") }
            row += Self.slices
        }
        slice = (slice + 1) % Self.slices
        done += 1
        return done >= units
    }
}

// MARK: blur

/// `blur`: a 3×3 box convolution over a generated grayscale image, with
/// wrap-around edges, so the output's total is exactly 9× the input's.
public struct BlurWorkload: Workload {
    public let name = "blur"
    public let summary = "3×3 box convolution of a generated image; total checked exactly"
    public let width: Int
    public var parameters: String { "image \(width)×\(width); unit: \(BlurRun.rowsPerUnit) rows" }

    public init(width: Int = 256) { self.width = max(BlurRun.rowsPerUnit, width) }

    /// Any number of units: a job that ends inside an image checks the rows
    /// it made, so a job's size is not rounded to whole images.
    public func makeRun(units: Int, seed: UInt64) -> any WorkloadRun { BlurRun(units: units, seed: seed, width: width) }
}

final class BlurRun: WorkloadRun {
    static let rowsPerUnit = 16
    private let units: Int
    private let width: Int
    private var done = 0
    private var row = 0
    private let image: [UInt8]
    private var output: [UInt32]
    private let inputTotal: UInt64
    /// Each input row's sum, to check a partial image.
    private let rowSums: [UInt64]

    init(units: Int, seed: UInt64, width: Int) {
        self.units = max(1, units)
        self.width = width
        var rng = SplitMix64(seed: seed)
        let pixels = (0..<(width * width)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        image = pixels
        output = [UInt32](repeating: 0, count: width * width)
        rowSums = (0..<width).map { y in pixels[(y * width)..<((y + 1) * width)].reduce(UInt64(0)) { $0 + UInt64($1) } }
        inputTotal = rowSums.reduce(0, +)
    }

    /// The first `rows` output rows must total 3 × (each one's three input rows' sums).
    private func verify(rows: Int) throws {
        let w = width
        var expected: UInt64 = 0
        for y in 0..<rows { expected += 3 * (rowSums[(y + w - 1) % w] + rowSums[y] + rowSums[(y + 1) % w]) }
        let total = output[0..<(rows * w)].reduce(UInt64(0)) { $0 + UInt64($1) }
        guard total == expected else { throw WorkloadError("blur: total of \(rows) rows \(total), expected \(expected)") }
    }

    func step(_ context: JobContext) throws -> Bool {
        let w = width
        let end = min(w, row + Self.rowsPerUnit)
        image.withUnsafeBufferPointer { src in
            output.withUnsafeMutableBufferPointer { dst in
                for y in row..<end {
                    for x in 0..<w {
                        var sum: UInt32 = 0
                        for dy in -1...1 {
                            let yy = (y + dy + w) % w
                            for dx in -1...1 { sum += UInt32(src[yy * w + (x + dx + w) % w]) }
                        }
                        dst[y * w + x] = sum
                    }
                }
            }
        }
        row = end
        if row == w {
            let total = output.reduce(UInt64(0)) { $0 + UInt64($1) }
            guard total == 9 * inputTotal else { throw WorkloadError("blur: total \(total), expected \(9 * inputTotal)") }
            row = 0
        }
        done += 1
        if done >= units, row > 0 { try verify(rows: row) }
        return done >= units
    }
}
