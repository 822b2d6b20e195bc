// Timeouts for the benchmarks' child processes. Children are spawned `detached`, so each leads its own
// process group and a timeout kills it together with anything it started.

/** Kills `child`'s process group after `seconds`; returns a handle to cancel and to ask whether it fired. */
export function killAfter(child, seconds) {
  let fired = false;
  const timer = setTimeout(() => {
    fired = true;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }, seconds * 1000);
  return {
    cancel: () => clearTimeout(timer),
    get fired() {
      return fired;
    },
  };
}
