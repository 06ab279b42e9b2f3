/// `primes`: a segmented sieve of Eratosthenes over [0, 2^20).
///
/// One unit sieves one segment of 2^16 numbers with the base primes below
/// 2^10; a job walks the segments round after round. Each segment's count is
/// checked against a reference made once by a plain sieve, and the reference
/// itself against the known π(2^20) = 82025.
public struct PrimesWorkload: Workload {
    public let name = "primes"
    public let summary = "segmented sieve of Eratosthenes; counts checked against π(2^20)"

    static let limitBits = 20
    static let segmentBits = 16
    static let segmentSize = 1 << segmentBits
    static let segments = 1 << (limitBits - segmentBits)
    static let knownCount = 82_025  // π(2^20), OEIS A007053

    public init() {}

    public func makeRun(units: Int, seed: UInt64) -> any WorkloadRun {
        PrimesRun(units: units, firstSegment: Int(seed % UInt64(Self.segments)))
    }

    /// Primes below 2^10, enough to sieve up to 2^20.
    static let basePrimes: [Int] = {
        let limit = 1 << (limitBits / 2)
        var composite = [Bool](repeating: false, count: limit + 1)
        var primes: [Int] = []
        for n in 2...limit where !composite[n] {
            primes.append(n)
            var multiple = n * n
            while multiple <= limit {
                composite[multiple] = true
                multiple += n
            }
        }
        return primes
    }()

    /// Primes per segment, from one plain (unsegmented) sieve.
    static let referenceCounts: [Int] = {
        let limit = 1 << limitBits
        var composite = [Bool](repeating: false, count: limit)
        composite[0] = true
        composite[1] = true
        var n = 2
        while n * n < limit {
            if !composite[n] {
                var multiple = n * n
                while multiple < limit {
                    composite[multiple] = true
                    multiple += n
                }
            }
            n += 1
        }
        var counts = [Int](repeating: 0, count: segments)
        for value in 0..<limit where !composite[value] { counts[value >> segmentBits] += 1 }
        precondition(counts.reduce(0, +) == knownCount, "reference sieve disagrees with π(2^20)")
        return counts
    }()

    /// Counts the primes in segment `index` by sieving it with the base primes.
    static func sieveSegment(_ index: Int, scratch: inout [Bool]) -> Int {
        let low = index << segmentBits
        let high = low + segmentSize
        for i in 0..<segmentSize { scratch[i] = true }
        if low == 0 {
            scratch[0] = false
            scratch[1] = false
        }
        for p in basePrimes {
            if p * p >= high { break }
            var start = max(p * p, ((low + p - 1) / p) * p)
            while start < high {
                scratch[start - low] = false
                start += p
            }
        }
        var count = 0
        for flag in scratch where flag { count += 1 }
        return count
    }
}

final class PrimesRun: WorkloadRun {
    private let units: Int
    private var done = 0
    private var segment: Int
    private var scratch: [Bool]

    init(units: Int, firstSegment: Int) {
        self.units = max(0, units)
        segment = firstSegment
        scratch = [Bool](repeating: false, count: PrimesWorkload.segmentSize)
    }

    func step(_ context: JobContext) throws -> Bool {
        guard done < units else { return true }
        let counted = PrimesWorkload.sieveSegment(segment, scratch: &scratch)
        let expected = PrimesWorkload.referenceCounts[segment]
        guard counted == expected else {
            throw WorkloadError("primes: segment \(segment) has \(counted) primes, expected \(expected)")
        }
        segment = (segment + 1) % PrimesWorkload.segments
        done += 1
        return done >= units
    }
}
