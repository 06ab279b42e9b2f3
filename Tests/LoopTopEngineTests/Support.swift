import Foundation
@testable import LoopTopEngine
import Testing

/// Polls `condition` until it holds or `seconds` pass; returns whether it held.
/// Bounds are generous: these machines are noisy, and a test that waits on a
/// condition finishes as soon as it holds.
func eventually(within seconds: Double = 10, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        usleep(2_000)
    }
    return condition()
}

/// Runs `body` on `count` real OS threads and returns them, to be joined.
///
/// Not `DispatchQueue.global()`: Swift Testing runs test bodies on the same
/// width-limited pool (two threads on two cores), so a test that waits for
/// work it queued there can starve it for ever. That hung CI once.
func startThreads(_ count: Int, name: String = "test", _ body: @escaping @Sendable (Int) -> Void) -> [OSThread] {
    (0..<count).compactMap { index in OSThread.spawn(name: "\(name)-\(index)") { body(index) } }
}

/// True once every thread has finished its body.
final class Finished: @unchecked Sendable {
    private let lock = ConditionMutex(0)
    private let expected: Int
    init(_ expected: Int) { self.expected = expected }
    func done() { lock.withLock { $0 += 1 } }
    var all: Bool { lock.withLock { $0 >= expected } }
}

enum TestCatalog {
    /// The built-ins measured once for the whole test run.
    static let calibrated: WorkloadCatalog = {
        var catalog = WorkloadCatalog.calibrated(budgetMs: 9)
        catalog.register(failing, nanosPerUnit: 1_000)
        catalog.register(sleepy, nanosPerUnit: 1_000_000)
        catalog.register(empty, nanosPerUnit: 1_000_000)
        return catalog
    }()

    /// Always throws: its jobs are *failed*.
    static let failing = ClosureWorkload(name: "failing") { _, _ in
        throw WorkloadError("deliberate failure")
    }

    /// Does nothing: jobs as short as jobs get, which workers take in batches.
    static let empty = ClosureWorkload(name: "empty") { _, _ in }

    /// Sleeps 1 ms per unit, checking for cancellation between: jobs whose
    /// length does not depend on the CPU.
    static let sleepy = ClosureWorkload(name: "sleepy") { context, units in
        for _ in 0..<units {
            try context.checkpoint()
            usleep(1_000)
        }
    }
}

extension Engine {
    /// An engine for tests: no arrivals unless asked, the shared catalog.
    static func forTest(workers: Int = 2, mode: Mode = .offloaded, workload: String = "spin", jobMs: Double = 1,
                        rate: Double = 0, queue: Int = 64, autoRespawn: Bool = false,
                        requestRate: Double = 100) -> Engine {
        var settings = EngineSettings()
        settings.mode = mode
        settings.workload = workload
        settings.jobMs = jobMs
        settings.rate = rate
        settings.requestRate = requestRate
        return Engine(configuration: .init(
            workers: workers, queueCapacity: queue, settings: settings, autoRespawn: autoRespawn,
            catalog: TestCatalog.calibrated, windowSeconds: 5))
    }
}
