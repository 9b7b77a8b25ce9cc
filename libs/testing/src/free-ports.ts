import { createServer } from 'node:net';

/** Whether nothing listens on 127.0.0.1:`port` (nor on every address at that port). */
function free(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * The first port of a block of `size` consecutive ports that are all free, picked at random in steps of
 * 10 from `from` up to `to` (below the ephemeral range by default): stacks started side by side get
 * different blocks, and a block that holds some other server's port (RabbitMQ listens on 25672 on these
 * machines) is never chosen.
 */
export async function freePortBlock(size: number, o: { from?: number; to?: number; tries?: number } = {}): Promise<number> {
  const from = o.from ?? 20000;
  const to = o.to ?? 32000;
  for (let i = 0; i < (o.tries ?? 50); i++) {
    const base = from + 10 * Math.floor((Math.random() * (to - from - size)) / 10);
    const ports = Array.from({ length: size }, (_, k) => base + k);
    if ((await Promise.all(ports.map(free))).every(Boolean)) return base;
  }
  throw new Error(`no block of ${size} free ports between ${from} and ${to}`);
}
