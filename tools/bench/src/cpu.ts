import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** CPU time (user + system) a process has used so far, in ms; undefined where /proc cannot tell. */
export function cpuMs(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces and parentheses: fields are counted after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** CPU used by named processes between `start()` and `stop()`, in ms per process. */
export function cpuMeter(processes: () => Record<string, number | undefined>): {
  start(): void;
  stop(): Record<string, number>;
} {
  let before: Record<string, number | undefined> = {};
  return {
    start() {
      before = Object.fromEntries(Object.entries(processes()).map(([name, pid]) => [name, cpuMs(pid)]));
    },
    stop() {
      const used: Record<string, number> = {};
      for (const [name, pid] of Object.entries(processes())) {
        const a = before[name];
        const b = cpuMs(pid);
        if (a !== undefined && b !== undefined) used[name] = b - a;
      }
      return used;
    },
  };
}

/** Resident set size of a process in MB (VmRSS of /proc/<pid>/status); undefined where /proc cannot tell. */
export function rssMb(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** RSS of every named process, in MB. */
export function rssOf(processes: Record<string, number | undefined>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, pid] of Object.entries(processes)) {
    const mb = rssMb(pid);
    if (mb !== undefined) out[name] = mb;
  }
  return out;
}
