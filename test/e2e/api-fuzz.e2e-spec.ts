import 'reflect-metadata';
import fc from 'fast-check';
import request from 'supertest';
import { OPERATIONS, type Operation } from '@stac/contracts';
import { SERVICES, type ServiceName } from '../../tools/stack/src/stack-env';
import { queryService, syntheticReferral } from './builders';
import { actorFor, hostileRequests, type HostileRequest } from './hostile-requests';
import { startStack, tokenFor, type Stack } from './stack-harness';

// API-01..09: a property-based fuzzer. For EVERY typed operation of the catalogue it generates hostile
// bodies, headers and parameters from the operation's contract (hostile-requests.ts) and sends them
// through the gateway of a real stack. Every answer must be a 4xx problem+json without internals (a read
// may also answer 2xx), never a 5xx; afterwards every service is healthy and no database changed (every
// table but the access log, which records the denials, LAW-03).
//
// FUZZ_SEED makes a run repeatable (the seed is printed); FUZZ_RUNS sets the cases per operation.
jest.setTimeout(600_000);

const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RUNS = Number(process.env.FUZZ_RUNS ?? 12);
const DOMAIN_SERVICES = SERVICES.filter((s): s is Exclude<ServiceName, 'gateway'> => s !== 'gateway');
/** The access log legitimately grows: every refusal is logged (LAW-03). */
const UNCHECKED_TABLES = new Set(['access_log']);
/** Internals an answer must never show (API-09). */
const LEAKS =
  /\n\s+at |node_modules|\/work\/|\/home\/|\/usr\/|\.ts:\d+|\.js:\d+|\bSELECT\b|INSERT INTO|\bUPDATE \w+ SET\b|QueryFailedError|TypeError|ReferenceError|RangeError|ECONNREFUSED|duplicate key|violates|relation "|syntax error|127\.0\.0\.1|postgres:\/\//;

let stack: Stack;
let caseId: string;

type Snapshot = Record<string, string>;

/** Row count and a checksum of every table of every service database except the access log. */
async function snapshot(): Promise<Snapshot> {
  const out: Snapshot = {};
  for (const service of DOMAIN_SERVICES) {
    const tables = await queryService<{ t: string }>(stack, service, `SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`);
    for (const { t } of tables) {
      if (UNCHECKED_TABLES.has(t)) continue;
      const [row] = await queryService<{ n: number; h: string }>(
        stack,
        service,
        `SELECT count(*)::int AS n, coalesce(md5(string_agg(md5(x::text), '' ORDER BY md5(x::text))), '') AS h FROM "${t}" x`,
      );
      out[`${service}.${t}`] = `${row.n}:${row.h}`;
    }
  }
  return out;
}

const changed = (a: Snapshot, b: Snapshot) => [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => a[k] !== b[k]);

/** Waits until the background work of the setup (outbox relay, consumers, partner checks) has settled. */
async function settled(): Promise<Snapshot> {
  let last = await snapshot();
  for (let i = 0; i < 60; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    const next = await snapshot();
    if (changed(last, next).length === 0) return next;
    last = next;
  }
  throw new Error(`the stack did not settle: ${changed(last, await snapshot()).join(', ')}`);
}

function send(r: HostileRequest) {
  const base = request(stack.gatewayUrl);
  const method = r.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
  const req = base[method](r.path).set(r.headers).timeout({ response: 30_000 });
  return r.body === undefined ? req : req.send(r.body);
}

/** Why an answer is wrong, or null when it is right. */
function verdict(r: HostileRequest, res: request.Response): string | null {
  if (res.status >= 500) return `${res.status} ${res.body?.code ?? ''}`;
  if (r.mustRefuse && res.status < 400) return `accepted (${res.status}) a request poisoned with ${r.poison}`;
  if (res.status >= 400) {
    if (!/^application\/problem\+json/.test(String(res.headers['content-type']))) return `${res.status} without problem+json`;
    if (res.body?.status !== res.status || typeof res.body?.code !== 'string') return `${res.status} with a malformed problem`;
    const leak = LEAKS.exec(res.text);
    if (leak) return `${res.status} leaks ${JSON.stringify(leak[0])}`;
  }
  return null;
}

beforeAll(async () => {
  stack = await startStack({ overrides: { gateway: { RATE_LIMIT_PER_MINUTE: '10000000' } } });
  // One real case the police callers may open, so hostile input also reaches the services' own validation.
  const officer = await tokenFor('police', ['case-officer'], 'fuzz-officer');
  const created = await request(stack.gatewayUrl)
    .post('/api/v1/referrals')
    .set('authorization', `Bearer ${officer}`)
    .set('x-purpose-of-use', 'investigation')
    .send(syntheticReferral('FUZZ'))
    .expect(201);
  caseId = created.body.caseId;
}, 300_000);
afterAll(async () => {
  await stack?.stop();
});

describe('property-based fuzzing of every operation (API-01..API-09)', () => {
  it('API-09: hostile bodies, headers and parameters for every operation answer 4xx problem+json, never 5xx; nothing stored', async () => {
    const before = await settled();
    const ops = OPERATIONS.filter((o): o is Operation & { http: NonNullable<Operation['http']> } => !!o.http);
    const statuses = new Map<number, number>();
    const poisons = new Map<string, number>();
    const failures: { operation: string; problem: string; request: HostileRequest }[] = [];
    const otherToken = await tokenFor('cps', ['prosecutor'], 'fuzz-outsider');
    let cases = 0;
    for (const [i, op] of ops.entries()) {
      const actor = actorFor(op);
      const token = await tokenFor(actor.agency, [actor.role], `fuzz-${actor.role}`);
      let problem: string | null = null;
      const details = await fc.check(
        fc.asyncProperty(hostileRequests(op, { token, otherToken, caseId }), async (r) => {
          const res = await send(r);
          cases++;
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          const kind = r.poison.split(':')[0];
          poisons.set(kind, (poisons.get(kind) ?? 0) + 1);
          problem = verdict(r, res);
          return problem === null;
        }),
        { seed: SEED + i, numRuns: RUNS, endOnFailure: true },
      );
      if (details.failed && details.counterexample) failures.push({ operation: op.name, problem: problem ?? String(details.errorInstance), request: details.counterexample[0] });
    }
    const histogram = [...statuses.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}: ${n}`);
    const fivexx = [...statuses.entries()].filter(([s]) => s >= 500).reduce((n, [, c]) => n + c, 0);
    process.stdout.write(
      `API fuzzer (seed ${SEED}, ${RUNS} runs per operation): ${ops.length} operations covered, ${cases} cases generated; ` +
        `statuses { ${histogram.join(', ')} }; 5xx = ${fivexx}; poisons { ${[...poisons.entries()].map(([k, n]) => `${k}: ${n}`).join(', ')} }\n`,
    );
    expect(failures.map((f) => ({ ...f, request: { ...f.request, headers: { ...f.request.headers, authorization: '…' }, body: f.request.body?.slice(0, 300) } }))).toEqual([]);
    expect(ops.length).toBe(OPERATIONS.length);
    expect(fivexx).toBe(0);
    // Every process is still healthy and answers.
    for (const service of SERVICES) await request(stack.services.url(service)).get('/health/ready').expect(200);
    // No database changed, but for the access log that records the refusals.
    expect(changed(before, await settled())).toEqual([]);
  });
});
