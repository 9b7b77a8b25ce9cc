/**
 * Person search latency over a large register: seeds N synthetic people (default 1,000,000) straight
 * into the bench stack's intake database with intake's own normalisation, keyed hashes and encryption
 * (the stack's INTAKE_DATA_KEYS and INTAKE_SEARCH_KEY), four to a case, each case opened to the police team; then times
 * POST /api/v1/people/search through the gateway (token check, RPC, per-case visibility, audit row),
 * one request at a time, and reports p50/p99. One person in twenty has a previous family name; the queries
 * mix exact names, typos, transposed names, surnames alone, diminutives, previous names and names
 * registered in another script (Cyrillic, Greek, Arabic, Han...) searched in Latin letters. Opt in with BENCH_PEOPLE=<count>; `people-bench.ts` runs
 * this and the timeline bench alone.
 */
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
// The register's own functions, so the seeded rows are exactly what intake writes (a bench-only reach
// into the app; nothing ships from tools/).
// eslint-disable-next-line @nx/enforce-module-boundaries
import { blockingKeys, type PersonIdentity } from '../../../apps/intake/src/people/duplicate-matching';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { dataKeyFromEnv } from '../../../apps/intake/src/people/data-key';
// eslint-disable-next-line @nx/enforce-module-boundaries
import {
  NICKNAME_PAIRS,
  populationPerson,
  SCRIPT_PAIRS,
  seededRandom,
  syllableSurname,
  typo,
} from '../../../apps/intake/src/testing/synthetic-people';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { stackDatabase } from '../../stack/src/run-migrations';
import { latencyFigures, type LatencyFigures } from './timeline';

export interface PersonSearchFigures extends LatencyFigures {
  people: number;
  matchKeys: number;
  seedSeconds: number;
  /** Share of variant queries (typo, transposed, diminutive, previous name) whose seeded person came back. */
  variantRecall: number;
  /** The same per kind of query. */
  recallByKind: Record<string, number>;
  /** Latency per kind of query (which kinds make the tail). */
  latencyByKind: Record<string, LatencyFigures>;
  /**
   * The same searches again at once: the register's pages now in memory, as a register in daily use keeps
   * them (the first pass reads many pages for the first time since the bulk load).
   */
  warm: LatencyFigures;
}

const BATCH = 5000;
const PEOPLE_PER_CASE = 4;

/** Number of people to seed from BENCH_PEOPLE; undefined = skip the people benches. */
export function benchPeopleCount(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env.BENCH_PEOPLE;
  if (!raw || raw === '0') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 100 || n > 20_000_000)
    throw new Error('BENCH_PEOPLE must be a whole number from 100 to 20000000');
  return n;
}

interface Query {
  body: PersonIdentity;
  expect?: string;
  variant: boolean;
  kind: string;
}

/** One person in twenty carries a previous family name (maiden name, deed poll), as a register would. */
const WITH_PREVIOUS_NAME = 0.05;
/** A diminutive for a given name of the population, or a formal name for a diminutive. */
const SHORT_FORM = new Map<string, string>(NICKNAME_PAIRS.flatMap(([formal, short]) => [[formal, short], [short, formal]] as [string, string][]));
for (const [g, d] of [['Oliver', 'Ollie'], ['Isabella', 'Izzy'], ['Sophia', 'Sophie'], ['Alfie', 'Alfred'], ['Archie', 'Archibald'], ['Charlie', 'Charles'], ['Olivia', 'Liv'], ['Jack', 'John']]) SHORT_FORM.set(g, d);

/** Seeds `n` people; returns a sample of queries (exact, variant and surname-only) for people that exist. */
export async function seedPeople(
  databaseUrl: string,
  intakeEnv: NodeJS.ProcessEnv,
  n: number,
  log: (l: string) => void,
): Promise<{ queries: Query[]; matchKeys: number }> {
  const cipher = dataKeyFromEnv(intakeEnv);
  const hash = (l: string, v: string) => cipher.keyedHash(l, v);
  const rnd = seededRandom(1_000_003);
  const c = new Client({ connectionString: databaseUrl });
  await c.connect();
  const queries: Query[] = [];
  let matchKeys = 0;
  try {
    // Bulk load without the index, then build it once.
    await c.query('ALTER TABLE person_match_key DROP CONSTRAINT IF EXISTS person_match_key_pkey');
    await c.query('DROP INDEX IF EXISTS person_match_key_person');
    await c.query('ALTER TABLE person_match_key SET UNLOGGED');
    const run = randomUUID().slice(0, 8);
    const sampleEvery = Math.max(1, Math.floor(n / 1200));
    for (let start = 0; start < n; start += BATCH) {
      const size = Math.min(BATCH, n - start);
      const caseIds: string[] = [];
      for (let i = 0; i < Math.ceil(size / PEOPLE_PER_CASE); i++) caseIds.push(randomUUID());
      const ids: string[] = [];
      const sealed: Buffer[] = [];
      const otherSealed: (Buffer | null)[] = [];
      const partCase: string[] = [];
      const keyPerson: string[] = [];
      const keys: Buffer[] = [];
      for (let i = 0; i < size; i++) {
        const id = randomUUID();
        const sampled = (start + i) % sampleEvery === 0;
        const kind = queries.length % 7;
        const p: PersonIdentity = populationPerson(rnd);
        // Someone registered in their own script, searched for in Latin letters.
        const script = sampled && kind === 6 ? SCRIPT_PAIRS[Math.floor(rnd() * SCRIPT_PAIRS.length)] : undefined;
        if (script) [p.givenName, p.familyName] = script.native;
        if (rnd() < WITH_PREVIOUS_NAME || (sampled && kind === 5)) {
          p.otherNames = [{ kind: 'MAIDEN_NAME', familyName: syllableSurname(rnd) }];
        }
        ids.push(id);
        sealed.push(
          cipher.seal(
            { givenName: p.givenName, familyName: p.familyName, dateOfBirth: p.dateOfBirth },
            id,
            'identity',
          ),
        );
        otherSealed.push(p.otherNames ? cipher.seal(p.otherNames, id, 'other_names') : null);
        partCase.push(caseIds[Math.floor(i / PEOPLE_PER_CASE)]);
        for (const k of blockingKeys(p, hash)) {
          keys.push(k);
          keyPerson.push(id);
        }
        if (sampled) {
          const short = SHORT_FORM.get(p.givenName!);
          const current = { givenName: p.givenName, familyName: p.familyName, dateOfBirth: p.dateOfBirth };
          const q: Query =
            kind === 0
              ? { body: current, expect: id, variant: false, kind: 'exact' }
              : kind === 1
                ? { body: { ...current, familyName: typo(rnd, p.familyName!) }, expect: id, variant: true, kind: 'typo' }
                : kind === 2
                  ? {
                      body: {
                        givenName: p.familyName!.toUpperCase(),
                        familyName: p.givenName,
                        dateOfBirth: p.dateOfBirth,
                      },
                      expect: id,
                      variant: true,
                      kind: 'transposed',
                    }
                  : kind === 3
                    ? { body: { familyName: p.familyName }, variant: false, kind: 'surname-only' }
                    : kind === 4 && short
                      ? { body: { ...current, givenName: short }, expect: id, variant: true, kind: 'diminutive' }
                      : kind === 4
                        ? { body: current, expect: id, variant: false, kind: 'exact' }
                        : script
                          ? { body: { givenName: script.latin[0], familyName: script.latin[1], dateOfBirth: p.dateOfBirth }, expect: id, variant: true, kind: 'other-script' }
                          : {
                            body: { givenName: p.givenName, familyName: p.otherNames![0].familyName },
                            expect: id,
                            variant: true,
                            kind: 'previous-name',
                          };
          queries.push(q);
        }
      }
      await c.query('BEGIN');
      await c.query(
        `INSERT INTO stalking_case (id, crime_reference, source, offence_class, flags, bcu, status, referred_at, version)
         SELECT id, 'BP-' || $2::text || '-' || (row_number() OVER () + $3::int), 'CRIME_REPORT', 'S4A_FEAR', '{}', 'CE', 'REFERRED', now(), 1
           FROM unnest($1::uuid[]) AS t(id)`,
        [caseIds, run, start],
      );
      await c.query(
        `INSERT INTO case_relationship (id, case_id, kind, agency, valid_from, created_by)
         SELECT gen_random_uuid(), id, 'OWNING_TEAM', 'police', now(), 'bench' FROM unnest($1::uuid[]) AS t(id)`,
        [caseIds],
      );
      await c.query(
        `INSERT INTO person (id, identity_enc, other_names_enc, identity_known, version)
         SELECT id, enc, other, true, 1 FROM unnest($1::uuid[], $2::bytea[], $3::bytea[]) AS t(id, enc, other)`,
        [ids, sealed, otherSealed],
      );
      await c.query(
        `INSERT INTO case_participant (case_id, person_id, role, valid_from)
         SELECT c, p, CASE WHEN n % 2 = 0 THEN 'VICTIM' ELSE 'PERSON_OF_CONCERN' END, now()
           FROM unnest($1::uuid[], $2::uuid[]) WITH ORDINALITY AS t(c, p, n)`,
        [partCase, ids],
      );
      await c.query(
        `INSERT INTO person_match_key (key, person_id) SELECT * FROM unnest($1::bytea[], $2::uuid[])`,
        [keys, keyPerson],
      );
      await c.query('COMMIT');
      matchKeys += keys.length;
      if ((start / BATCH) % 20 === 0) log(`people: seeded ${start + size}/${n} (${matchKeys} match keys)`);
    }
    log('people: building the match-key index');
    await c.query('ALTER TABLE person_match_key SET LOGGED');
    await c.query('ALTER TABLE person_match_key ADD PRIMARY KEY (key, person_id)');
    await c.query('CREATE INDEX person_match_key_person ON person_match_key (person_id)');
    // A register that grew over months has been vacuumed by autovacuum many times; this one was loaded in
    // minutes and autovacuum may be off (it is on these machines), so vacuum once, as after any bulk load:
    // statistics, and the visibility map that lets the match-key probes read the index alone.
    for (const table of ['person', 'person_match_key', 'case_participant', 'case_relationship']) {
      await c.query(`VACUUM (ANALYZE) ${table}`);
    }
  } finally {
    await c.end();
  }
  return { queries, matchKeys };
}

/** Times the search endpoint, one request at a time after a warm-up. */
export async function timePersonSearch(
  gatewayUrl: string,
  headers: Readonly<Record<string, string>>,
  queries: Query[],
  o: { warmup?: number } = {},
): Promise<LatencyFigures & { variantRecall: number; recallByKind: Record<string, number>; latencyByKind: Record<string, LatencyFigures> }> {
  // One kept-alive connection and node:http, as the paced load uses: what is timed is the platform's
  // answer, not the client's (fetch costs the bench process about a millisecond of CPU per request more).
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL(`${gatewayUrl}/api/v1/people/search`);
  const post = (body: string) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        url,
        { method: 'POST', agent, headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.once('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        },
      );
      req.once('error', reject);
      req.end(body);
    });
  const call = async (q: Query) => {
    const started = performance.now();
    const res = await post(JSON.stringify(q.body));
    const ms = performance.now() - started;
    const body = JSON.parse(res.text) as { matches?: { personId: string }[] };
    return {
      ms,
      ok: res.status >= 200 && res.status < 300,
      found: !!q.expect && !!body.matches?.some((m) => m.personId === q.expect),
    };
  };
  const warm = o.warmup ?? 50;
  for (const q of queries.slice(0, warm)) await call(q);
  const ms: number[] = [];
  let non2xx = 0;
  let variants = 0;
  let variantsFound = 0;
  const byKind = new Map<string, { n: number; found: number }>();
  const msByKind = new Map<string, number[]>();
  for (const q of queries.slice(warm)) {
    const r = await call(q);
    ms.push(r.ms);
    msByKind.set(q.kind, [...(msByKind.get(q.kind) ?? []), r.ms]);
    if (!r.ok) non2xx++;
    if (q.variant) {
      variants++;
      if (r.found) variantsFound++;
    }
    if (q.expect) {
      const k = byKind.get(q.kind) ?? { n: 0, found: 0 };
      k.n++;
      if (r.found) k.found++;
      byKind.set(q.kind, k);
    }
  }
  agent.destroy();
  return {
    ...latencyFigures(ms, non2xx),
    variantRecall: variants ? variantsFound / variants : NaN,
    recallByKind: Object.fromEntries([...byKind].map(([kind, k]) => [kind, k.found / k.n])),
    latencyByKind: Object.fromEntries([...msByKind].map(([kind, kindMs]) => [kind, latencyFigures(kindMs, 0)])),
  };
}

/** Seed, then time. */
export async function benchPersonSearch(
  stack: { gatewayUrl: string; env: { intake: Record<string, string> } },
  headers: Readonly<Record<string, string>>,
  people: number,
  log: (l: string) => void,
  /** A superuser's connection to the stack's Postgres, for the checkpoint after the bulk load. */
  adminUrl?: string,
): Promise<PersonSearchFigures> {
  const started = performance.now();
  log(
    `people: seeding ${people} synthetic people (${PEOPLE_PER_CASE} per case) into ${new URL(stack.env.intake.DATABASE_URL).pathname.slice(1)}`,
  );
  // Bulk seeding drops and rebuilds an index: table owner's work, so as the owner role (LAW-07).
  const { queries, matchKeys } = await seedPeople(
    stackDatabase(stack.env.intake).migrationUrl,
    stack.env.intake,
    people,
    log,
  );
  // As after any bulk load: write the loaded pages out now, so the searches are not timed during the
  // checkpoint that would otherwise spread gigabytes of writes over the next minutes (checkpoints need a
  // superuser, hence the administrator's connection).
  if (adminUrl) {
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      await admin.query('CHECKPOINT');
    } finally {
      await admin.end();
    }
  }
  const seedSeconds = (performance.now() - started) / 1000;
  log(`people: seeded in ${seedSeconds.toFixed(0)} s; timing ${queries.length - 50} searches`);
  const figures = await timePersonSearch(stack.gatewayUrl, headers, queries);
  const warm = await timePersonSearch(stack.gatewayUrl, headers, queries, { warmup: 0 });
  log(
    `people: search over ${people} people: p50 ${figures.p50.toFixed(1)} ms, p90 ${figures.p90.toFixed(1)} ms, ` +
      `p99 ${figures.p99.toFixed(1)} ms, max ${figures.max.toFixed(1)} ms, ${figures.non2xx} non-2xx, ` +
      `variant recall ${(figures.variantRecall * 100).toFixed(1)}% (` +
      Object.entries(figures.recallByKind)
        .map(([k, r]) => `${k} ${(r * 100).toFixed(1)}%`)
        .join(', ') +
      ')',
  );
  log(
    `people: the same searches again (pages in memory): p50 ${warm.p50.toFixed(1)} ms, p90 ${warm.p90.toFixed(1)} ms, ` +
      `p99 ${warm.p99.toFixed(1)} ms, max ${warm.max.toFixed(1)} ms, ${warm.non2xx} non-2xx`,
  );
  log(
    `people: by kind (first pass, p50/p90/max ms): ` +
      Object.entries(figures.latencyByKind)
        .map(([k, f]) => `${k} ${f.p50.toFixed(1)}/${f.p90.toFixed(1)}/${f.max.toFixed(1)} (${f.samples})`)
        .join(', '),
  );
  const { samples, p50, p90, p99, max, non2xx } = warm;
  return { ...figures, warm: { samples, p50, p90, p99, max, non2xx }, people, matchKeys, seedSeconds };
}
