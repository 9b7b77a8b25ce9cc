/**
 * Test-only: a loopback TCP proxy whose open connections can be made silent, as a half-open
 * connection is (a firewall that dropped the flow, a peer gone without a FIN): nothing sent either way
 * arrives, nothing is closed, and the server end stays open holding whatever the session held.
 * Connections opened after `silence()` work normally.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

interface Pair {
  client: Socket;
  upstream: Socket;
  silent: boolean;
}

export class SilentProxy {
  private server?: Server;
  private readonly pairs = new Set<Pair>();
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  /** The same URL, through the proxy. */
  static forUrl(url: string): SilentProxy {
    const u = new URL(url);
    return new SilentProxy(u.hostname, Number(u.port || 5432));
  }

  rewrite(url: string): string {
    const u = new URL(url);
    u.hostname = '127.0.0.1';
    u.port = String(this.port);
    return u.toString();
  }

  async start(): Promise<void> {
    // allowHalfOpen: a FIN from one side is not answered by the proxy closing the other.
    this.server = createServer({ allowHalfOpen: true }, (client) => {
      const upstream = connect({ host: this.targetHost, port: this.targetPort, allowHalfOpen: true });
      const pair: Pair = { client, upstream, silent: false };
      this.pairs.add(pair);
      const forward = (from: Socket, to: Socket) => {
        from.on('data', (chunk) => {
          if (!pair.silent) to.write(chunk);
        });
        from.on('end', () => {
          if (!pair.silent) to.end();
        });
        from.on('error', () => {
          if (!pair.silent) to.destroy();
        });
        from.on('close', () => {
          if (!pair.silent) to.destroy();
        });
      };
      forward(client, upstream);
      forward(upstream, client);
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.port = (this.server!.address() as { port: number }).port;
  }

  /** Every connection open now goes silent in both directions; both ends stay open. */
  silence(): number {
    let n = 0;
    for (const p of this.pairs) {
      if (!p.silent) n++;
      p.silent = true;
    }
    return n;
  }

  /** Closes every connection (the server then ends its sessions) and stops listening. */
  async close(): Promise<void> {
    for (const p of this.pairs) {
      p.client.destroy();
      p.upstream.destroy();
    }
    this.pairs.clear();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
