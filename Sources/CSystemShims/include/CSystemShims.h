#ifndef LOOPTOP_CSYSTEMSHIMS_H
#define LOOPTOP_CSYSTEMSHIMS_H

#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

/// pthread_setname_np on the calling thread. glibc refuses names over 15
/// bytes with ERANGE, so the name is cut to 15 bytes first. Returns 0 or errno.
int looptop_set_thread_name(const char *name);

/// The calling thread's name as the OS sees it (what `ps -L` shows).
int looptop_get_thread_name(pthread_t thread, char *buffer, size_t length);

/// The kernel thread id of the calling thread (gettid), shown in worker detail.
int32_t looptop_gettid(void);

/// CPU time consumed by `thread` so far, in nanoseconds, or -1 if the thread
/// can no longer be asked (it has been joined).
int64_t looptop_thread_cpu_ns(pthread_t thread);

/// CPU time consumed by the calling thread, in nanoseconds.
int64_t looptop_self_cpu_ns(void);

/// Creates a signalfd for `signals` (already blocked by the caller), non
/// blocking and close-on-exec. Returns the fd or -1.
int looptop_signalfd(const sigset_t *signals);

/// Reads one pending signal from a signalfd: its number, 0 if none, -1 on error.
int looptop_signalfd_read(int fd);

/// Installs `handler` for a fatal signal with SA_RESETHAND|SA_NODEFER semantics
/// off (so it can chain), saving the old action in `old`. Returns 0 or -1.
int looptop_install_fatal_handler(int signo, void (*handler)(int), struct sigaction *old);

/// Restores the saved action for `signo` and raises it again.
void looptop_chain_fatal(int signo, const struct sigaction *old);

/// CPUs this process may run on (sched_getaffinity), or 0 if unknown.
int looptop_cpu_count(void);

/// Starts `argv[0]` (searched in PATH) with stdin, stdout and stderr on new
/// pipes, an empty signal mask and default signal actions, in its own process
/// group. Returns 0 and fills the pid and the parent's ends (non-blocking,
/// close-on-exec), or an errno.
int looptop_spawn(char *const argv[], pid_t *pid, int *stdin_fd, int *stdout_fd, int *stderr_fd);

/// Starts `argv[0]` (searched in PATH) with environment `envp`, stdin from
/// `stdin_fd` (the caller's fd, e.g. its own 0 or /dev/null), stdout and stderr
/// both on one new pipe (so their lines keep the order they were written in),
/// an empty signal mask, default signal actions, in its own process group.
/// Returns 0 and fills the pid and the parent's read end (non blocking,
/// close-on-exec), or an errno (ENOENT: no such program).
int looptop_spawn_app(char *const argv[], char *const envp[], int stdin_fd, pid_t *pid, int *output_fd);

/// The pid and uid of the process at the other end of a Unix socket
/// (SO_PEERCRED). Returns 0 or -1.
int looptop_peer_credentials(int fd, pid_t *pid, uid_t *uid);

/// A spin-wait hint (x86 `pause`): tells the core a thread is busy-waiting,
/// so it yields pipeline resources to its sibling and saves power. Unlike
/// sched_yield it does not give the CPU away to another runnable thread,
/// which on a loaded machine can cost a whole timeslice.
static inline void looptop_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

#endif
