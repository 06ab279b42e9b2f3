/// `spin`: a linear congruential generator stepped in a tight loop.
///
/// The calibration workload: its cost per unit is flat and it touches no
/// memory. The result is checked against the closed form of the generator,
/// computed by squaring in O(log n) steps, so the loop cannot be skipped.
public struct SpinWorkload: Workload {
    public let name = "spin"
    public let summary = "LCG stepped in a tight loop; checked against its closed form"
    /// Generator steps per unit (about 100–200 µs on a current core; the compiler unrolls the chain).
    public static let stepsPerUnit = 1 << 20

    public init() {}

    public func makeRun(units: Int, seed: UInt64) -> any WorkloadRun {
        SpinRun(units: units, seed: seed)
    }

    static let multiplier: UInt64 = 6_364_136_223_846_793_005
    static let increment: UInt64 = 1_442_695_040_888_963_407

    /// Steps the generator `count` times from `x`.
    @inline(never)
    static func burn(_ x: UInt64, count: Int) -> UInt64 {
        var value = x
        for _ in 0..<count { value = value &* multiplier &+ increment }
        return value
    }

    /// The generator after `count` steps from `x`, by composing the affine map
    /// x ↦ a·x + c with itself (exponentiation by squaring).
    static func jump(_ x: UInt64, count: UInt64) -> UInt64 {
        var (a, c) = (UInt64(1), UInt64(0))          // accumulated map
        var (pa, pc) = (multiplier, increment)       // map^(2^k)
        var remaining = count
        while remaining > 0 {
            if remaining & 1 == 1 { (a, c) = (pa &* a, pa &* c &+ pc) }
            (pa, pc) = (pa &* pa, pa &* pc &+ pc)
            remaining >>= 1
        }
        return a &* x &+ c
    }
}

final class SpinRun: WorkloadRun {
    private let units: Int
    private let seed: UInt64
    private var done = 0
    private var value: UInt64

    init(units: Int, seed: UInt64) {
        self.units = max(0, units)
        self.seed = seed
        value = seed
    }

    func step(_ context: JobContext) throws -> Bool {
        if done < units {
            value = SpinWorkload.burn(value, count: SpinWorkload.stepsPerUnit)
            done += 1
        }
        guard done >= units else { return false }
        let expected = SpinWorkload.jump(seed, count: UInt64(units) * UInt64(SpinWorkload.stepsPerUnit))
        guard value == expected else {
            throw WorkloadError("spin: result \(value) differs from closed form \(expected)")
        }
        return true
    }
}
