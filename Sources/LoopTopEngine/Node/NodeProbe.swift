// The probe looptop preloads into a Node.js app (`node --require`); `looptop node
// --print-probe` prints it. Kept as a string so the binary is all a user needs.

/// The JavaScript of looptop's Node.js probe (Node 18+, only Node's own modules).
public enum NodeProbe {
    public static let source: String = #"""
// looptop's Node.js probe: preloaded with `node --require probe.cjs`, it
// reports the main thread's event loop and the app's Worker threads to looptop
// over the Unix socket named by LOOPTOP_SOCKET, as newline-delimited JSON.
// Only Node's own modules, Node 18 and later. It must not change what the app
// does: every handle it makes is unref'd (it never keeps the app alive), it
// adds no 'error' listener anywhere (that would swallow errors the app does
// not handle), and it never writes to the app's stdout or stderr.
'use strict';
(function looptopProbe() {
  const socketPath = process.env.LOOPTOP_SOCKET;
  let threads;
  try { threads = require('worker_threads'); } catch (_) { return; }
  if (!socketPath) return;
  // --require runs in every Worker too. There it only says which OS thread
  // the Worker is (Node names every thread "node", so /proc alone cannot
  // tell them apart) on a channel of this process, closed at once, and stops:
  // the main thread reports.
  const channelName = 'looptop-probe-' + process.pid;
  if (!threads.isMainThread) {
    try {
      const tid = Number(require('fs').readlinkSync('/proc/thread-self').split('/').pop());
      const channel = new threads.BroadcastChannel(channelName);
      channel.postMessage({ id: threads.threadId, tid });
      channel.close();
    } catch (_) {}
    return;
  }
  const net = require('net');
  const { performance, monitorEventLoopDelay, PerformanceObserver } = require('perf_hooks');
  const v8 = require('v8');
  const intervalMs = Math.max(10, Number(process.env.LOOPTOP_INTERVAL_MS) || 1000);
  const heartbeatMs = Math.max(1, Number(process.env.LOOPTOP_HEARTBEAT_MS) || 20);
  // Beats later than this say by how much (a stall is at least twice it); the rest stay one short line.
  const reportLateMs = Math.max(1, (Number(process.env.LOOPTOP_STALL_MS) || 50) / 2);
  const blame = process.env.LOOPTOP_BLAME === '1';
  const maxQueued = 1 << 20;

  const socket = net.createConnection(socketPath);
  socket.unref();
  let open = true;
  // A looptop that went away is not the app's problem: stop reporting.
  socket.on('error', () => { open = false; });
  socket.on('close', () => { open = false; });
  function send(message) {
    if (!open || socket.writableLength > maxQueued) return;
    socket.write(JSON.stringify(message) + '\n');
  }

  send({ t: 'hello', pid: process.pid, node: process.version, argv: process.argv,
         heartbeat_ms: heartbeatMs, interval_ms: intervalMs });

  if (blame) {
    try {
      const inspector = require('inspector');
      if (!inspector.url()) inspector.open(0, '127.0.0.1', false);
      send({ t: 'inspector', url: inspector.url() || null });
      // With a client still connected, exit would print "Waiting for the
      // debugger to disconnect..." and wait for it: close first.
      process.on('exit', () => { try { inspector.close(); } catch (_) {} });
    } catch (error) {
      send({ t: 'inspector', url: null, error: String(error && error.message || error) });
    }
  }

  // Worker threads: observed through their own emit, not through listeners,
  // so an app without an 'error' listener still fails the way it would.
  const workers = new Map();
  process.on('worker', (worker) => {
    const id = worker.threadId;
    const entry = { worker, elu: undefined };
    workers.set(id, entry);
    send({ t: 'worker', id, state: 'starting' });
    const emit = worker.emit;
    worker.emit = function (event, ...args) {
      try {
        if (event === 'online') send({ t: 'worker', id, state: 'online' });
        else if (event === 'error') {
          const e = args[0];
          send({ t: 'worker', id, state: 'error', message: String(e && e.message !== undefined ? e.message : e) });
        } else if (event === 'exit') {
          workers.delete(id);
          send({ t: 'worker', id, state: 'exited', code: args[0] });
        }
      } catch (_) {}
      return emit.apply(this, [event, ...args]);
    };
  });

  // Each Worker's OS thread id, from the probe inside it (unref'd: it never keeps the app alive).
  try {
    const channel = new threads.BroadcastChannel(channelName);
    channel.onmessage = (event) => {
      const m = event.data;
      if (m && Number.isInteger(m.id) && Number.isInteger(m.tid)) send({ t: 'worker', id: m.id, state: 'thread', tid: m.tid });
    };
    channel.unref();
  } catch (_) {}

  // Commands from looptop, one JSON object a line, bounded.
  let pending = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk) => {
    pending += chunk;
    if (pending.length > 65536) pending = pending.slice(pending.lastIndexOf('\n') + 1);
    let newline;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      let command;
      try { command = JSON.parse(line); } catch (_) { continue; }
      if (command && command.c === 'terminate') {
        const entry = workers.get(command.id);
        if (!entry) { send({ t: 'notice', text: `worker ${command.id} is not running` }); continue; }
        send({ t: 'terminating', id: command.id });
        entry.worker.terminate().catch(() => {});
      }
    }
  });

  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  let elu = performance.eventLoopUtilization();
  let gcCount = 0, gcMs = 0, gcMaxMs = 0;
  try {
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        gcCount += 1; gcMs += entry.duration; if (entry.duration > gcMaxMs) gcMaxMs = entry.duration;
      }
    });
    observer.observe({ entryTypes: ['gc'] });
  } catch (_) {}

  function figures() {
    const now = performance.eventLoopUtilization();
    const loop = performance.eventLoopUtilization(now, elu);
    elu = now;
    const list = [];
    for (const [id, entry] of workers) {
      try {
        const current = entry.worker.performance.eventLoopUtilization();
        const delta = entry.elu ? entry.worker.performance.eventLoopUtilization(current, entry.elu) : current;
        entry.elu = current;
        list.push({ id, elu: delta.utilization });
      } catch (_) {}
    }
    const ms = (ns) => ns / 1e6;
    const count = delay.count !== undefined ? delay.count : undefined;
    send({ t: 'fig', p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max),
           count, elu: loop.utilization, heap: v8.getHeapStatistics().used_heap_size,
           gc: { count: gcCount, ms: gcMs, max_ms: gcMaxMs }, workers: list });
    delay.reset();
    gcCount = 0; gcMs = 0; gcMaxMs = 0;
  }

  // The heartbeat: looptop pauses the loop for blame when these stop. A beat
  // that comes late says how long the loop was stalled, measured here: the
  // time since the beat before that the loop was not idle (waiting in poll,
  // libuv's idle time, what eventLoopUtilization reads). Lateness alone is
  // the stall minus up to one beat, as a block may start any time after a
  // beat; the busy time is the block itself, which is what the app sees with
  // performance.now() around it. It is held between the lateness and the
  // lateness plus a beat, its bounds. An app busy all along (no idle time)
  // would be charged the whole span: then the delay monitor's longest gap
  // between its 1 ms ticks, when it lies within those bounds, is the block
  // (plus up to one loop turn).
  const timing = performance.nodeTiming;
  const idleNow = () => { const idle = timing.idleTime; return typeof idle === 'number' ? idle : 0; };
  let last = performance.now();
  let lastIdle = idleNow();
  let nextFigures = last + intervalMs;
  // Once, when a beat finds the loop mostly idle, say so: looptop enables the
  // app's debugger then (it takes the main thread for a moment), not at start
  // and not in the middle of the first stall.
  let idleSaid = !blame;
  let eluBeat = idleSaid ? undefined : performance.eventLoopUtilization();
  const beat = setInterval(() => {
    const now = performance.now();
    const late = now - last - heartbeatMs;
    const idle = idleNow();
    const busy = now - last - (idle - lastIdle);
    last = now;
    lastIdle = idle;
    if (!idleSaid) {
      const current = performance.eventLoopUtilization();
      const share = performance.eventLoopUtilization(current, eluBeat).utilization;
      eluBeat = current;
      if (share < 0.5 && late < reportLateMs) { idleSaid = true; send({ t: 'idle' }); }
    }
    if (late >= reportLateMs) {
      let stall = Math.min(late + heartbeatMs, Math.max(late, busy));
      const gap = delay.max / 1e6;
      if (gap >= late && gap < stall) stall = gap;
      send({ t: 'hb', late_ms: stall });
    }
    else if (open && socket.writableLength <= maxQueued) socket.write('{"t":"hb"}\n');
    if (now >= nextFigures) { nextFigures = now + intervalMs; figures(); }
  }, heartbeatMs);
  beat.unref();
})();
"""#
}
