/// How long a thread busy-waits for news before it sleeps, learnt from how
/// its recent spins went (as glibc's adaptive mutex does).
///
/// A spin pays when the thread it waits for is running on another CPU: the
/// news comes in µs and nobody sleeps or is woken. On a loaded machine that
/// thread is often waiting for a CPU itself; spinning then burns the slice,
/// and a thread that slept is woken sooner than one that spun (the scheduler
/// favours sleepers). So a spin that found nothing halves the next budget; one
/// that found news doubles it, up to the limit; at zero, one short spin in 32
/// checks whether things have changed.
struct SpinBudget {
    let limit: UInt64
    private(set) var current: UInt64
    private var untilProbe = 32

    /// Shortest spin worth making, ns; a budget below it is zero.
    static let floor: UInt64 = 1_000

    init(limit: UInt64) {
        self.limit = limit
        current = limit
    }

    /// The budget for the next wait, ns (0: sleep at once).
    mutating func next() -> UInt64 {
        guard limit > 0 else { return 0 }
        if current > 0 { return current }
        untilProbe -= 1
        guard untilProbe <= 0 else { return 0 }
        untilProbe = 32
        return Swift.min(limit, 2 * Self.floor)
    }

    /// How the spin just made went.
    mutating func record(success: Bool) {
        if success {
            current = Swift.min(limit, Swift.max(2 * Self.floor, current * 2))
        } else {
            current /= 2
            if current < Self.floor { current = 0 }
        }
    }
}
