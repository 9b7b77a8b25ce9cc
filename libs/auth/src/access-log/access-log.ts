import { createHash, createHmac, randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { appendRow } from '@stac/persistence';
import type { Decision } from '../policy/decide';
import type { FieldGroup, Principal, Purpose } from '../policy/vocabulary';
import { ACCESS_LOG_CHAIN_LOCK } from './access-log-keyed-chain.migration';

/** DPA 2018 s62 operations. */
export type AccessOperation = 'consultation' | 'disclosure' | 'collection' | 'alteration' | 'combination' | 'erasure';

export interface AccessEntry {
  operation: AccessOperation;
  action: string;
  principal: Principal;
  recordType: string;
  recordIds: string[];
  fieldGroups: readonly FieldGroup[];
  purpose?: Purpose;
  justification?: string;
  legalBasis?: string;
  recipients: string[];
  decision: Pick<Decision, 'allow' | 'rule' | 'reason' | 'via'>;
  correlationId: string;
}

export const GENESIS_HASH = '0'.repeat(64);

/** The fields that are hashed, in a fixed order; never data values, only who/what/why. */
export interface AccessLogRow {
  id: string;
  occurred_at: string;
  operation: string;
  action: string;
  actor_issuer: string;
  actor_subject: string;
  actor_agency: string;
  actor_roles: string[];
  record_type: string;
  record_ids: string[];
  field_groups: string[];
  purpose: string | null;
  justification: string | null;
  legal_basis: string | null;
  recipients: string[];
  decision: string;
  rule: string;
  reason: string | null;
  correlation_id: string;
}

const HASHED: (keyof AccessLogRow)[] = [
  'id',
  'occurred_at',
  'operation',
  'action',
  'actor_issuer',
  'actor_subject',
  'actor_agency',
  'actor_roles',
  'record_type',
  'record_ids',
  'field_groups',
  'purpose',
  'justification',
  'legal_basis',
  'recipients',
  'decision',
  'rule',
  'reason',
  'correlation_id',
];

/** The plain SHA-256 link of rows sealed before the chain was keyed (up to `access_log_chain_epoch`). */
export function legacyChainHash(prevHash: string, row: AccessLogRow): string {
  return createHash('sha256')
    .update(prevHash)
    .update(JSON.stringify(HASHED.map((k) => row[k])))
    .digest('hex');
}

/**
 * The keyed link (LAW-07): HMAC-SHA256 under the service's chain key over the previous link, the row's
 * position and its hashed fields. Without the key, an edited row cannot be re-chained.
 */
export function chainHash(key: ChainKey, prevHash: string, chainSeq: string, row: AccessLogRow): string {
  return createHmac('sha256', key.bytes)
    .update(`${prevHash}\n${chainSeq}\n`)
    .update(JSON.stringify(HASHED.map((k) => row[k])))
    .digest('hex');
}

/** The access log's chain key (AUDIT_CHAIN_KEY), kept out of logs and errors. */
export class ChainKey {
  private constructor(readonly bytes: Buffer) {}
  static fromBase64(value: string): ChainKey {
    const bytes = Buffer.from(value, 'base64');
    if (bytes.length !== 32 || bytes.toString('base64') !== value) throw new Error('AUDIT_CHAIN_KEY must be base64 of 32 bytes');
    return new ChainKey(bytes);
  }
  toJSON(): string {
    return '[chain key]';
  }
}

/**
 * Writes the s62 access log of one service (LAW-01..04). Call `append` inside the transaction of the
 * change it records, or `record` for reads; either way the caller answers only after it succeeded
 * (LAW-02: no log, no data). Rows are appended without any lock; `sealAccessLog` links them into the
 * hash chain after they commit, so the chain never serialises requests.
 */
export class AccessLog {
  async append(m: EntityManager, e: AccessEntry): Promise<string> {
    if (!m.queryRunner?.isTransactionActive) throw new Error('AccessLog.append must run inside a transaction');
    return this.insert(m, e);
  }

  /**
   * Records a read or a denial on its own: one INSERT, which Postgres commits as its own transaction
   * (as durable as BEGIN/INSERT/COMMIT, in one round trip instead of three).
   */
  record(db: Pick<DataSource, 'query'>, e: AccessEntry): Promise<string> {
    return this.insert(db, e);
  }

  /**
   * A read and its access-log row in ONE statement (LAW-01, LAW-02): `sql` runs as a `WITH` part and the
   * row is written by the same statement when, and only when, the read returns a row; both happen or
   * neither does. One round trip instead of two. `sql` is a plain SELECT using `$1..$n` of `params`.
   *
   * A part whose row names the records it discloses passes `o.recordIds`, an SQL `text[]` expression over
   * `part` appended to the entry's ids (the ids are those of the very rows returned), and may pass
   * `o.onlyIf`, an SQL condition over `part`: without it the row is not written (the caller logs after its
   * further reads). With either, every returned row carries `access_logged_ids`: the row's record ids as
   * written, or null when no row was written.
   */
  async readLogged<R>(
    db: Pick<DataSource, 'query'>,
    sql: string,
    params: unknown[],
    e: AccessEntry,
    o: { recordIds?: string; onlyIf?: string } = {},
  ): Promise<R[]> {
    const named = o.recordIds !== undefined || o.onlyIf !== undefined;
    const values = o.recordIds
      ? HASHED.map((k, i) => (k === 'record_ids' ? `$${params.length + i + 1}::text[] || (${o.recordIds})` : `$${params.length + i + 1}`)).join(', ')
      : rowPlaceholders(params.length);
    return db.query(
      `WITH part AS (${sql}),
       logged AS (INSERT INTO access_log (${HASHED_COLUMNS}) SELECT ${values}
                   WHERE EXISTS (SELECT 1 FROM part)${o.onlyIf ? ` AND (${o.onlyIf})` : ''}${named ? ' RETURNING record_ids' : ''})
       SELECT ${named ? 'part.*, (SELECT record_ids FROM logged) AS access_logged_ids' : '*'} FROM part`,
      [...params, ...this.valuesOf(e)],
    );
  }

  private async insert(db: Pick<EntityManager, 'query'>, e: AccessEntry): Promise<string> {
    const values = this.valuesOf(e);
    await appendRow(db, INSERT_ROW, values);
    return values[0] as string;
  }

  /** The row's hashed fields in `HASHED` order (the id first). */
  private valuesOf(e: AccessEntry): unknown[] {
    const row: AccessLogRow = {
      id: randomUUID(),
      occurred_at: new Date().toISOString(),
      operation: e.operation,
      action: e.action,
      actor_issuer: e.principal.issuer,
      actor_subject: e.principal.subject,
      actor_agency: e.principal.agency,
      actor_roles: [...e.principal.roles],
      record_type: e.recordType,
      record_ids: e.recordIds,
      field_groups: [...e.fieldGroups],
      purpose: e.purpose ?? null,
      justification: e.justification?.slice(0, 1000) ?? null,
      legal_basis: e.legalBasis ?? null,
      recipients: e.recipients,
      decision: e.decision.allow ? 'allow' : 'deny',
      rule: e.decision.via ? `${e.decision.rule}:${e.decision.via}` : e.decision.rule,
      reason: e.decision.reason ?? null,
      correlation_id: e.correlationId,
    };
    return HASHED.map((k) => row[k]);
  }
}

const HASHED_COLUMNS = HASHED.join(', ');

/** `$n+1, ..., $n+19`: the row's placeholders after `n` parameters of the statement, made once per `n`. */
const placeholders = new Map<number, string>();
function rowPlaceholders(n: number): string {
  let known = placeholders.get(n);
  if (known === undefined) placeholders.set(n, (known = HASHED.map((_, i) => `$${n + i + 1}`).join(', ')));
  return known;
}

const INSERT_ROW = `INSERT INTO access_log (${HASHED_COLUMNS}) VALUES (${rowPlaceholders(0)})`;

const SELECT_HASHED = `${HASHED.filter((k) => k !== 'occurred_at').join(', ')},
  to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS occurred_at`;

/**
 * Unsealed rows are read through the partial index `access_log_unsealed` in its own order, by a plain
 * index scan. Sealing updates each row, leaving the index entry of its unsealed version behind until
 * vacuum; an index scan marks those entries dead as it passes them, so the next pass skips them, where a
 * bitmap scan (the planner's choice once such entries pile up) visits the page of every row sealed since
 * the last vacuum, on every pass. Measured over 12,000 sealed rows without vacuum: 1,447 pages and 172 ms
 * per pass as a bitmap scan; 34 pages, then only the new entries, as an index scan.
 */
export const ANY_UNSEALED = 'SELECT 1 AS pending FROM access_log WHERE hash IS NULL LIMIT 1';
export const LOCK_FOR_SEALING = `SELECT pg_try_advisory_xact_lock($1) AS locked, set_config('enable_bitmapscan', 'off', true), set_config('enable_seqscan', 'off', true)`;
export const UNSEALED_ROWS = `SELECT access_log.seq::text AS seq, ${SELECT_HASHED} FROM access_log WHERE hash IS NULL ORDER BY access_log.seq LIMIT $1`;

/**
 * Links committed, unsealed rows into the chain in the order they are found, in one transaction; another
 * instance already sealing makes this a no-op. The keyed hashes are computed here (the database never sees
 * the key) and handed to `access_log_seal`, which checks they extend the chain and is the only way the
 * runtime role can seal (LAW-07). Returns how many were sealed.
 */
export async function sealAccessLog(ds: DataSource, key: ChainKey, batch = 1000): Promise<number> {
  // Most passes find nothing: one cheap look first, no transaction.
  const [pending] = await ds.query(ANY_UNSEALED);
  if (!pending) return 0;
  return ds.transaction(async (m) => {
    const [{ locked }] = await m.query(LOCK_FOR_SEALING, [ACCESS_LOG_CHAIN_LOCK]);
    if (!locked) return 0;
    const rows: (AccessLogRow & { seq: string })[] = await m.query(UNSEALED_ROWS, [batch]);
    if (rows.length === 0) return 0;
    const [last] = await m.query(
      'SELECT chain_seq::text AS last_chain_seq, hash FROM access_log WHERE chain_seq IS NOT NULL ORDER BY access_log.chain_seq DESC LIMIT 1',
    );
    let prev: string = last?.hash ?? GENESIS_HASH;
    let chainSeq = BigInt(last?.last_chain_seq ?? 0);
    if (chainSeq < 0n) chainSeq = 0n;
    const seqs: string[] = [];
    const chainSeqs: string[] = [];
    const prevs: string[] = [];
    const hashes: string[] = [];
    for (const r of rows) {
      chainSeq += 1n;
      const hash = chainHash(key, prev, chainSeq.toString(), r);
      seqs.push(r.seq);
      chainSeqs.push(chainSeq.toString());
      prevs.push(prev);
      hashes.push(hash);
      prev = hash;
    }
    await m.query('SELECT access_log_seal($1::bigint[], $2::bigint[], $3::text[], $4::text[])', [seqs, chainSeqs, prevs, hashes]);
    return rows.length;
  });
}

export type ChainProblem =
  | 'prev-hash-mismatch'
  | 'hash-mismatch'
  | 'gap'
  | 'non-positive-position'
  | 'out-of-order'
  | 'behind-anchor'
  | 'anchor-mismatch'
  | 'unanchored'
  | 'stale-unsealed';

export interface ChainBreak {
  seq: string;
  id: string;
  problem: ChainProblem;
}

/** The chain head as last anchored outside the database (see access-log-anchor.ts). */
export interface ChainAnchor {
  chainSeq: string;
  hash: string;
}

export interface VerifyOptions {
  key: ChainKey;
  /** An unsealed row older than this is a failure (the sealer stopped, or rows are being held back). */
  maxUnsealedAgeMs: number;
  /** The newest anchor; the chain must reach it with the same hash (newest rows deleted otherwise). */
  anchor?: ChainAnchor;
  /**
   * Anchors are checked: entries sealed longer ago than `maxUnsealedAgeMs` must be covered by the anchor.
   * Without this a chain whose anchors were removed (the stream deleted) or stopped would pass with its
   * newest entries deleted.
   */
  requireAnchor?: boolean;
  batch?: number;
}

export interface VerifyResult {
  checked: number;
  unsealed: number;
  head: ChainAnchor | null;
  firstBreak: ChainBreak | null;
}

/**
 * Walks the chain in chain order (LAW-04, LAW-07) and returns the first problem, or null when intact:
 * a position that is not positive, a gap in the positions, a link that does not follow the previous one,
 * a hash that is not the keyed hash of the row (plain SHA-256 only up to the recorded legacy position),
 * rows sealed out of order (sealing times going backwards), a chain that ends before the anchored head or
 * differs from it, entries sealed longer ago than the limit that no anchor covers (with `requireAnchor`),
 * and unsealed rows older than the limit.
 */
export async function verifyAccessLog(
  query: (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>,
  o: VerifyOptions,
): Promise<VerifyResult> {
  const batch = o.batch ?? 5000;
  let prev = GENESIS_HASH;
  let after = '0';
  let lastSealedAt: number | null = null;
  let checked = 0;
  let head: ChainAnchor | null = null;
  const [{ legacy_through }] = await query('SELECT legacy_through::text AS legacy_through FROM access_log_chain_epoch', []);
  const legacyThrough = BigInt(String(legacy_through));
  const [{ n }] = await query('SELECT count(*)::int AS n FROM access_log WHERE hash IS NULL', []);
  const unsealed = Number(n);
  const done = (firstBreak: ChainBreak | null): VerifyResult => ({ checked, unsealed, head, firstBreak });
  const broken = (r: Record<string, unknown>, problem: ChainProblem) => done({ seq: String(r.seq), id: String(r.id), problem });

  const [nonPositive] = await query(
    'SELECT seq::text AS seq, id FROM access_log WHERE chain_seq <= 0 ORDER BY access_log.seq LIMIT 1',
    [],
  );
  if (nonPositive) return broken(nonPositive, 'non-positive-position');

  for (;;) {
    const rows = await query(
      `SELECT access_log.seq::text AS seq, chain_seq::text AS chain_seq, ${SELECT_HASHED}, prev_hash, hash,
              (extract(epoch FROM sealed_at) * 1000000)::bigint::text AS sealed_us
         FROM access_log WHERE access_log.chain_seq > $1::bigint ORDER BY access_log.chain_seq LIMIT $2`,
      [after, batch],
    );
    if (rows.length === 0) break;
    for (const r of rows) {
      const pos = BigInt(String(r.chain_seq));
      if (pos !== BigInt(after) + 1n) return broken(r, 'gap');
      if (r.prev_hash !== prev) return broken(r, 'prev-hash-mismatch');
      const row = r as unknown as AccessLogRow;
      const expected = pos <= legacyThrough ? legacyChainHash(prev, row) : chainHash(o.key, prev, String(pos), row);
      if (expected !== r.hash) return broken(r, 'hash-mismatch');
      if (pos > legacyThrough) {
        // Sealing stamps the time; a later position sealed earlier than an earlier one was not sealed by the chain's own sealer.
        const sealedAt = r.sealed_us === null ? null : Number(r.sealed_us);
        if (sealedAt === null || (lastSealedAt !== null && sealedAt < lastSealedAt)) return broken(r, 'out-of-order');
        lastSealedAt = sealedAt;
      }
      prev = String(r.hash);
      after = String(r.chain_seq);
      head = { chainSeq: after, hash: prev };
      checked++;
    }
  }

  if (o.anchor) {
    const anchored = BigInt(o.anchor.chainSeq);
    if (BigInt(after) < anchored)
      return done({ seq: '-', id: '-', problem: 'behind-anchor' });
    const [atAnchor] = await query(
      'SELECT seq::text AS seq, id, hash FROM access_log WHERE chain_seq = $1::bigint',
      [o.anchor.chainSeq],
    );
    if (anchored > 0n && (!atAnchor || atAnchor.hash !== o.anchor.hash)) return broken(atAnchor ?? { seq: '-', id: '-' }, 'anchor-mismatch');
  }

  if (o.requireAnchor) {
    const [unanchored] = await query(
      `SELECT seq::text AS seq, id FROM access_log
        WHERE chain_seq > $1::bigint AND sealed_at < now() - make_interval(secs => $2::double precision / 1000)
        ORDER BY chain_seq LIMIT 1`,
      [o.anchor?.chainSeq ?? '0', o.maxUnsealedAgeMs],
    );
    if (unanchored) return broken(unanchored, 'unanchored');
  }

  const [stale] = await query(
    `SELECT seq::text AS seq, id FROM access_log
      WHERE hash IS NULL AND occurred_at < now() - make_interval(secs => $1::double precision / 1000)
      ORDER BY access_log.seq LIMIT 1`,
    [o.maxUnsealedAgeMs],
  );
  if (stale) return broken(stale, 'stale-unsealed');
  return done(null);
}
