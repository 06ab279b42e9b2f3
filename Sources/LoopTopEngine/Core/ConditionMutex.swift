#if canImport(Glibc)
import Glibc
#endif

/// State behind a pthread mutex, with a condition variable to wait on.
///
/// `Synchronization.Mutex` has no condition variable, and the pool and the loop
/// must sleep until work arrives or a deadline passes, so this pairs the two as
/// `pthread_mutex_t` + `pthread_cond_t` on `CLOCK_MONOTONIC`. Like `Mutex`, the
/// state lives inside the lock and is reachable only through `withLock`.
final class ConditionMutex<State>: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    private var state: State

    init(_ initial: State) {
        state = initial
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        condition = .allocate(capacity: 1)
        condition.initialize(to: pthread_cond_t())
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    @inline(__always)
    func withLock<R>(_ body: (inout State) throws -> R) rethrows -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&state)
    }

    /// Locks, then waits until `ready` returns a value (checked under the lock
    /// before each sleep) or the monotonic `deadline` passes (nil: never).
    /// Returns `ready`'s value, or nil on timeout.
    func wait<R>(deadline: UInt64? = nil, _ ready: (inout State) -> R?) -> R? {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while true {
            if let value = ready(&state) { return value }
            if let deadline {
                if monotonicNow() >= deadline { return nil }
                var ts = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
                pthread_cond_timedwait(condition, mutex, &ts)
            } else {
                pthread_cond_wait(condition, mutex)
            }
        }
    }

    /// Locks and hands `body` the state and a ``Waiter`` that can sleep on the
    /// condition inside the lock, for loops that count their own waiters.
    func withLockWaiting<R>(_ body: (inout State, Waiter) -> R) -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body(&state, Waiter(mutex: mutex, condition: condition))
    }

    /// Sleeps on the condition from inside ``withLockWaiting(_:)``.
    struct Waiter {
        fileprivate let mutex: UnsafeMutablePointer<pthread_mutex_t>
        fileprivate let condition: UnsafeMutablePointer<pthread_cond_t>

        /// Releases the lock, sleeps until signalled (or spuriously), relocks.
        func wait() { pthread_cond_wait(condition, mutex) }

        /// As `wait()`, but gives up at the monotonic `deadline`.
        func wait(until deadline: UInt64) {
            var ts = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
            pthread_cond_timedwait(condition, mutex, &ts)
        }
    }

    /// Wakes one waiter. Call after leaving the lock, so the woken thread does
    /// not find the lock still held.
    func signal() { pthread_cond_signal(condition) }

    /// Wakes every waiter.
    func broadcast() { pthread_cond_broadcast(condition) }
}
