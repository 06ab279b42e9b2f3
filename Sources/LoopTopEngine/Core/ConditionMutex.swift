#if canImport(Glibc)
import Glibc
#endif

/// State behind a pthread mutex, with a condition variable to wait on.
///
/// Why not `Synchronization.Mutex`: it has no condition variable, and the
/// pool and the loop must sleep until work arrives or a deadline passes; and
/// on Linux it locks with futex calls inside the uninstrumented standard
/// library, so ThreadSanitizer sees no ordering through it and reports every
/// value it guards as a race (checked here with Swift 6.3.1). A pthread mutex
/// is intercepted by TSan, so the engine's race checks stay meaningful.
/// Like `Mutex`, the state lives inside the lock, reachable only through
/// `withLock`. Uncontended, both cost the same order (tens of ns).
@usableFromInline
final class ConditionMutex<State>: @unchecked Sendable {
    @usableFromInline let mutex: UnsafeMutablePointer<pthread_mutex_t>
    @usableFromInline let condition: UnsafeMutablePointer<pthread_cond_t>
    // On the heap, so the state is addressed in place: a waiter's `inout`
    // view must see what other threads change while it sleeps, which an
    // `inout` to a stored property (possibly a temporary copy) does not promise.
    @usableFromInline let state: UnsafeMutablePointer<State>

    /// - Parameter adaptive: spin briefly on contention before sleeping
    ///   (glibc's adaptive mutex); false gives a plain default mutex.
    init(_ initial: State, adaptive: Bool = true) {
        state = .allocate(capacity: 1)
        state.initialize(to: initial)
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        // Adaptive: a contended lock spins briefly before sleeping in the
        // kernel. The critical sections here are a few hundred ns, so a
        // waiter usually gets the lock without a futex sleep and wake.
        var mutexAttributes = pthread_mutexattr_t()
        pthread_mutexattr_init(&mutexAttributes)
        if adaptive { pthread_mutexattr_settype(&mutexAttributes, Int32(PTHREAD_MUTEX_ADAPTIVE_NP)) }
        pthread_mutex_init(mutex, &mutexAttributes)
        pthread_mutexattr_destroy(&mutexAttributes)
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
        state.deinitialize(count: 1)
        state.deallocate()
    }

    @inlinable
    func withLock<R>(_ body: (inout State) throws -> R) rethrows -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&state.pointee)
    }

    /// Locks, then waits until `ready` returns a value (checked under the lock
    /// before each sleep) or the monotonic `deadline` passes (nil: never).
    /// Returns `ready`'s value, or nil on timeout.
    @inlinable
    func wait<R>(deadline: UInt64? = nil, _ ready: (inout State) -> R?) -> R? {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while true {
            if let value = ready(&state.pointee) { return value }
            if let deadline {
                if monotonicNow() >= deadline { return nil }
                var ts = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
                pthread_cond_timedwait(condition, mutex, &ts)
            } else {
                pthread_cond_wait(condition, mutex)
            }
        }
    }

    /// Locks and hands `body` a ``Locked`` view for loops that sleep on the
    /// condition and count their own waiters. Each `locked { }` call is its
    /// own access to the state: an `inout` held across a sleep would let the
    /// optimiser keep values that other threads change meanwhile.
    @inlinable
    func withLockWaiting<R>(_ body: (Locked) -> R) -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body(Locked(owner: self))
    }

    /// The state while the lock is held, inside ``withLockWaiting(_:)``.
    @usableFromInline
    struct Locked {
        @usableFromInline let owner: ConditionMutex
        @usableFromInline init(owner: ConditionMutex) { self.owner = owner }

        /// Reads or changes the state (the lock is held).
        @inlinable
        func callAsFunction<T>(_ body: (inout State) -> T) -> T { body(&owner.state.pointee) }

        /// Releases the lock, sleeps until signalled (or spuriously), relocks.
        @inlinable
        func wait() { pthread_cond_wait(owner.condition, owner.mutex) }

        /// As `wait()`, but gives up at the monotonic `deadline`.
        @inlinable
        func wait(until deadline: UInt64) {
            var ts = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
            pthread_cond_timedwait(owner.condition, owner.mutex, &ts)
        }
    }

    /// Wakes one waiter. Call after leaving the lock, so the woken thread does
    /// not find the lock still held.
    @inlinable
    func signal() { pthread_cond_signal(condition) }

    /// Wakes every waiter.
    @inlinable
    func broadcast() { pthread_cond_broadcast(condition) }
}
