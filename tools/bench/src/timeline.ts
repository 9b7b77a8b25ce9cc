/**
 * Timeline latency: one case with 500 incidents (seeded into the bench stack's intake database), then
 * GET /api/v1/cases/:caseId/timeline through the gateway — the first page (20 newest, with the signals
 * derived from all 500) timed one request at a time, and a full walk of the cursor pages.
 */
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';

export interface LatencyFigures {
  samples: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  non2xx: number;
}

export function latencyFigures(ms: number[], non2xx: number): LatencyFigures {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => (s.length ? s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] : NaN);
  return {
    samples: s.length,
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    max: s[s.length - 1] ?? NaN,
    non2xx,
  };
}

const BEHAVIOURS = [
  'CONTACTING',
  'CYBER',
  'MONITORING_COMMUNICATIONS',
  'PUBLISHING',
  'FOLLOWING',
  'LOITERING',
  'THREATS',
  'BREACH',
];

export interface TimelineFigures extends LatencyFigures {
  incidents: number;
  /** Wall time to walk every page (limit 20). */
  fullWalkMs: number;
  pages: number;
  signals: string[];
}

async function newCase(gatewayUrl: string, headers: Readonly<Record<string, string>>): Promise<string> {
  const res = await fetch(`${gatewayUrl}/api/v1/referrals`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({
      crimeReference: `BT-${Date.now().toString(36)}-${process.pid}`,
      advocacyReferral: 'CONSENT_GIVEN',
      source: 'CRIME_REPORT',
      offenceClass: 'S4A_FEAR',
      flags: ['CYBER'],
      bcu: 'CE',
      victim: { givenName: 'Timeline', familyName: 'Bench' },
      personOfConcern: { identityKnown: false },
      incidents: [
        { occurredAt: new Date(Date.now() - 400 * 86_400_000).toISOString(), behaviours: ['CYBER'] },
      ],
    }),
  });
  if (res.status !== 201) throw new Error(`timeline: referral answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { caseId: string }).caseId;
}

export async function benchTimeline(
  stack: { gatewayUrl: string; env: { intake: Record<string, string> } },
  headers: Readonly<Record<string, string>>,
  log: (l: string) => void,
  o: { incidents?: number; samples?: number } = {},
): Promise<TimelineFigures> {
  const incidents = o.incidents ?? 500;
  const caseId = await newCase(stack.gatewayUrl, headers);
  const c = new Client({ connectionString: stack.env.intake.DATABASE_URL });
  await c.connect();
  try {
    // The referral brought one; the rest spread over the last year, behaviours cycling.
    await c.query(
      `INSERT INTO incident (id, case_id, occurred_at, behaviours, recorded_at, recorded_by)
       SELECT gen_random_uuid(), $1, now() - (g * interval '17 hours'), ARRAY[($3::text[])[1 + g % array_length($3::text[], 1)]], now(), 'bench'
         FROM generate_series(1, $2::int) g`,
      [caseId, incidents - 1, BEHAVIOURS],
    );
    await c.query('ANALYZE incident');
  } finally {
    await c.end();
  }
  const get = async (query: string) => {
    const started = performance.now();
    const res = await fetch(`${stack.gatewayUrl}/api/v1/cases/${caseId}/timeline${query}`, { headers });
    const body = (await res.json()) as {
      nextCursor?: string | null;
      signals?: { code: string }[];
      incidentCount?: number;
    };
    return { ms: performance.now() - started, ok: res.ok, body };
  };
  for (let i = 0; i < 20; i++) await get('');
  const ms: number[] = [];
  let non2xx = 0;
  let last: Awaited<ReturnType<typeof get>> | undefined;
  for (let i = 0; i < (o.samples ?? 500); i++) {
    last = await get('');
    ms.push(last.ms);
    if (!last.ok) non2xx++;
  }
  if (last?.body.incidentCount !== incidents)
    throw new Error(
      `timeline: expected ${incidents} incidents, the endpoint says ${last?.body.incidentCount}`,
    );
  const walkStart = performance.now();
  let pages = 0;
  let cursor: string | null | undefined = undefined;
  do {
    const page: Awaited<ReturnType<typeof get>> = await get(cursor ? `?cursor=${cursor}` : '');
    pages++;
    cursor = page.body.nextCursor;
  } while (cursor);
  const fullWalkMs = performance.now() - walkStart;
  const figures = {
    ...latencyFigures(ms, non2xx),
    incidents,
    fullWalkMs,
    pages,
    signals: (last?.body.signals ?? []).map((s) => s.code),
  };
  log(
    `timeline: case with ${incidents} incidents, first page: p50 ${figures.p50.toFixed(1)} ms, p99 ${figures.p99.toFixed(1)} ms ` +
      `(${figures.samples} requests, ${non2xx} non-2xx); all ${pages} pages in ${fullWalkMs.toFixed(0)} ms; signals ${figures.signals.join(', ') || 'none'}`,
  );
  return figures;
}
