import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

// The gateway authenticates and routes; it holds no data. Loading its module graph must not pull in
// the ORM, the Postgres driver or the messaging/persistence libraries (they would be dead weight in
// every gateway process, and a sign that data code leaked into the edge).
const root = resolve(__dirname, '../..');

it('the gateway process loads no TypeORM, pg, persistence, messaging or service kernel', async () => {
  const script = `
    require('reflect-metadata');
    require('./apps/gateway/src/gateway.module');
    const loaded = Object.keys(require.cache).map((p) => p.replace(/\\\\/g, '/'));
    const banned = loaded.filter((p) =>
      /node_modules\\/(\\.pnpm\\/[^/]+\\/node_modules\\/)?(typeorm|@nestjs\\/typeorm|pg)\\//.test(p) ||
      /\\/libs\\/(persistence|messaging|runtime)\\/src\\//.test(p) ||
      /\\/libs\\/auth\\/src\\/(access-control|access-log|case-access-grants)/.test(p));
    process.stdout.write(JSON.stringify({ count: loaded.length, banned: [...new Set(banned.map((p) => p.split('/node_modules/').pop().split('/').slice(0, 2).join('/')))] }));
  `;
  const { stdout } = await promisify(execFile)(process.execPath, ['-r', '@swc-node/register', '-e', script], {
    cwd: root,
    maxBuffer: 16 * 1024 * 1024,
  });
  const { count, banned } = JSON.parse(stdout) as { count: number; banned: string[] };
  expect(count).toBeGreaterThan(100); // the probe really loaded the gateway
  expect(banned).toEqual([]);
}, 120_000);
