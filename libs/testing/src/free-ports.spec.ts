import { createServer, type Server } from 'node:net';
import { freePortBlock } from './free-ports';

describe('free port blocks', () => {
  it('never picks a block holding a port another server listens on', async () => {
    // Occupy every tenth-aligned block but one in a small range: only that one may be chosen.
    const servers: Server[] = [];
    const listen = (port: number) =>
      new Promise<void>((res, rej) => {
        const s = createServer();
        s.once('error', rej);
        s.listen(port, '127.0.0.1', () => res());
        servers.push(s);
      });
    try {
      const from = 30500;
      for (const base of [30500, 30510, 30530]) await listen(base + 3);
      for (let i = 0; i < 10; i++) expect(await freePortBlock(6, { from, to: from + 46 })).toBe(30520);
    } finally {
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    }
  });
});
