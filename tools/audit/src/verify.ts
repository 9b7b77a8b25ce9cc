import { Client } from 'pg';
import { verifyAccessLog } from '@stac/auth';
import { SERVICE_DATABASES } from '@stac/config';

/**
 * `pnpm audit:verify`: walks every service's hash-chained access log and reports the first broken link
 * (LAW-04). Databases: STAC_PG_URL (server) + the standard names, or `--db service=postgres://...`.
 * Exits 1 when any chain is broken or unreadable.
 */
export async function verifyAll(urls: Record<string, string>, out: NodeJS.WritableStream = process.stdout): Promise<boolean> {
  let intact = true;
  for (const [service, url] of Object.entries(urls)) {
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      const result = await verifyAccessLog(async (sql, params) => (await client.query(sql, params)).rows);
      if (result.firstBreak) {
        intact = false;
        out.write(
          `${service}: BROKEN at seq ${result.firstBreak.seq} (entry ${result.firstBreak.id}): ${result.firstBreak.problem}; ${result.checked} entries intact before it\n`,
        );
      } else {
        const pending = result.unsealed ? `; ${result.unsealed} newest not yet sealed` : '';
        out.write(`${service}: intact (${result.checked} entries${pending})\n`);
      }
    } catch (e) {
      intact = false;
      out.write(`${service}: could not be verified (${(e as { code?: string }).code ?? (e as Error).name})\n`);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  return intact;
}

function urlsFromArgs(argv: string[], env: NodeJS.ProcessEnv): Record<string, string> {
  const base = env.STAC_PG_URL || 'postgres://postgres@127.0.0.1:5432';
  const urls: Record<string, string> = {};
  for (const [service, db] of Object.entries(SERVICE_DATABASES)) {
    const u = new URL(base);
    u.pathname = `/${db}`;
    urls[service] = u.toString();
  }
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--db' && argv[i + 1]) {
      const [service, url] = argv[++i].split(/=(.*)/s);
      urls[service] = url;
    }
  }
  return urls;
}

if (require.main === module) {
  verifyAll(urlsFromArgs(process.argv.slice(2), process.env)).then((ok) => process.exit(ok ? 0 : 1));
}
