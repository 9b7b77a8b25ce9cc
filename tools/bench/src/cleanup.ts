/**
 * Things to undo before the bench exits (stop processes, drop databases), run last-in first-out on
 * a normal end, on an error and on Ctrl-C/SIGTERM. Each runs once; a failing one does not stop the rest.
 */
type Task = { readonly what: string; readonly fn: () => Promise<void> };

const tasks: Task[] = [];
let running: Promise<void> | undefined;

/** Registers an undo step; the returned function removes it again (after it was done by hand). */
export function onCleanup(what: string, fn: () => Promise<void>): () => void {
  const task = { what, fn };
  tasks.push(task);
  return () => {
    const i = tasks.indexOf(task);
    if (i >= 0) tasks.splice(i, 1);
  };
}

export function cleanup(log: (line: string) => void): Promise<void> {
  running ??= (async () => {
    while (tasks.length) {
      const t = tasks.pop() as Task;
      try {
        await t.fn();
      } catch (e) {
        log(`cleanup: ${t.what} failed: ${(e as Error).message}`);
      }
    }
  })();
  return running;
}

let signalled = false;
/** Whether SIGINT/SIGTERM arrived (the cleanup is then already under way). */
export const interrupted = () => signalled;

/** On the first SIGINT/SIGTERM: clean up, then exit 130/143. A second signal exits at once. */
export function cleanupOnSignals(log: (line: string) => void): void {
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.on(signal, () => {
      if (signalled) process.exit(code);
      signalled = true;
      log(`${signal}: stopping processes and dropping databases (again to force)`);
      void cleanup(log).finally(() => process.exit(code));
    });
  }
}
