#if canImport(Glibc)
import Glibc
#endif
import CSystemShims

/// A real OS thread (pthread) that can be named and joined.
///
/// Foundation's `Thread` cannot be joined and its `name` set before `start()`
/// does not reach the OS, so workers and the loop use this instead. The name
/// is set from inside the new thread: set from outside it could race the
/// thread's exit.
final class OSThread: @unchecked Sendable {
    // Written once by pthread_create before any other thread sees this object.
    private(set) var handle: pthread_t = pthread_t()
    let name: String

    private final class Start {
        let name: String
        let body: @Sendable () -> Void
        init(name: String, body: @escaping @Sendable () -> Void) {
            self.name = name
            self.body = body
        }
    }

    /// Starts a thread running `body`. Returns nil when the OS refuses
    /// (EAGAIN: too many threads), which callers report rather than trap on.
    static func spawn(name: String, body: @escaping @Sendable () -> Void) -> OSThread? {
        let thread = OSThread(name: name)
        let start = Unmanaged.passRetained(Start(name: name, body: body))
        let rc = pthread_create(&thread.handle, nil, { context in
            let start = Unmanaged<Start>.fromOpaque(context!).takeRetainedValue()
            // Names over 15 bytes are cut by the shim; EPERM in containers is ignored.
            _ = start.name.withCString { looptop_set_thread_name($0) }
            start.body()
            return nil
        }, start.toOpaque())
        if rc != 0 {
            start.release()
            return nil
        }
        return thread
    }

    private init(name: String) { self.name = name }

    /// Waits for the thread to end. Call once.
    func join() {
        pthread_join(handle, nil)
    }

    /// CPU time the thread has used, in ns; only valid before `join`.
    func cpuNanos() -> UInt64 {
        let ns = looptop_thread_cpu_ns(handle)
        return ns < 0 ? 0 : UInt64(ns)
    }

    /// The name the OS holds for the thread (what `ps -L` shows).
    func osName() -> String {
        var buffer = [CChar](repeating: 0, count: 32)
        guard looptop_get_thread_name(handle, &buffer, buffer.count) == 0 else { return "" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// CPU time of the calling thread in ns (`CLOCK_THREAD_CPUTIME_ID`).
func selfCPUNanos() -> UInt64 {
    let ns = looptop_self_cpu_ns()
    return ns < 0 ? 0 : UInt64(ns)
}

/// The kernel thread id of the calling thread.
func currentTID() -> Int32 { looptop_gettid() }
