// Preloaded into every process the bench starts when it runs with --cpu-prof (plain CommonJS: it
// loads before @swc-node/register). SIGWINCH toggles an in-process CPU profile (Nest's shutdown
// hooks own SIGUSR2 and the terminating signals; SIGWINCH is ignored by default). On the second
// signal the profile is written to $BENCH_CPU_PROF_DIR/<name>-<pid>.cpuprofile (Chrome DevTools format); a
// later profile of the same process (the case-view run after the gateway run) to <name>-<pid>.<n>.cpuprofile,
// so it never overwrites the first.
'use strict';
const inspector = require('node:inspector');
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

const dir = process.env.BENCH_CPU_PROF_DIR;
const name = process.env.BENCH_CPU_PROF_NAME || 'process';
if (dir) {
  const session = new inspector.Session();
  session.connect();
  let running = false;
  let written = 0;
  process.on('SIGWINCH', () => {
    if (!running) {
      running = true;
      session.post('Profiler.enable', () =>
        session.post('Profiler.setSamplingInterval', { interval: 500 }, () => session.post('Profiler.start')),
      );
      return;
    }
    running = false;
    session.post('Profiler.stop', (err, res) => {
      if (err || !res) return;
      written += 1;
      const suffix = written === 1 ? '' : `.${written}`;
      writeFileSync(join(dir, `${name}-${process.pid}${suffix}.cpuprofile`), JSON.stringify(res.profile));
    });
  });
}
