import { createHash, randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { Decision } from '../policy/decide';
import type { FieldGroup, Principal, Purpose } from '../policy/vocabulary';

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
/** One chainer at a time per service database. */
const ACCESS_LOG_CHAIN_LOCK = 0x5354_4131;

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

export function chainHash(prevHash: string, row: AccessLogRow): string {
  return createHash('sha256')
    .update(prevHash)
    .update(JSON.stringify(HASHED.map((k) => row[k])))
    .digest('hex');
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
    await m.query(
      `INSERT INTO access_log (${HASHED.join(', ')}) VALUES (${HASHED.map((_, i) => `$${i + 1}`).join(', ')})`,
      HASHED.map((k) => row[k]),
    );
    return row.id;
  }

  /** Records in its own short transaction (reads and denials). */
  record(ds: DataSource, e: AccessEntry): Promise<string> {
    return ds.transaction((m) => this.append(m, e));
  }
}

const SELECT_HASHED = `${HASHED.filter((k) => k !== 'occurred_at').join(', ')},
  to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS occurred_at`;

/**
 * Links committed, unsealed rows into the chain in the order they are found (chain_seq), in one
 * transaction; another instance already sealing makes this a no-op. Returns how many were sealed.
 */
export async function sealAccessLog(ds: DataSource, batch = 1000): Promise<number> {
  return ds.transaction(async (m) => {
    const [{ locked }] = await m.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [ACCESS_LOG_CHAIN_LOCK]);
    if (!locked) return 0;
    const rows: (AccessLogRow & { seq: string })[] = await m.query(
      `SELECT access_log.seq::text AS seq, ${SELECT_HASHED} FROM access_log WHERE hash IS NULL ORDER BY access_log.seq LIMIT $1`,
      [batch],
    );
    if (rows.length === 0) return 0;
    const [last] = await m.query('SELECT chain_seq::text AS last_chain_seq, hash FROM access_log WHERE chain_seq IS NOT NULL ORDER BY access_log.chain_seq DESC LIMIT 1');
    let prev: string = last?.hash ?? GENESIS_HASH;
    let chainSeq = BigInt(last?.last_chain_seq ?? 0);
    const seqs: string[] = [];
    const chainSeqs: string[] = [];
    const prevs: string[] = [];
    const hashes: string[] = [];
    for (const r of rows) {
      const hash = chainHash(prev, r);
      chainSeq += 1n;
      seqs.push(r.seq);
      chainSeqs.push(chainSeq.toString());
      prevs.push(prev);
      hashes.push(hash);
      prev = hash;
    }
    await m.query(
      `UPDATE access_log a SET chain_seq = s.chain_seq, prev_hash = s.prev_hash, hash = s.hash
         FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[]) AS s(seq, chain_seq, prev_hash, hash)
        WHERE a.seq = s.seq`,
      [seqs, chainSeqs, prevs, hashes],
    );
    return rows.length;
  });
}

export interface ChainBreak {
  seq: string;
  id: string;
  problem: 'prev-hash-mismatch' | 'hash-mismatch';
}

/**
 * Walks the chain in chain order; returns the first broken link, or null when intact (LAW-04), and how
 * many rows are still waiting to be sealed.
 */
export async function verifyAccessLog(
  query: (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>,
  batch = 5000,
): Promise<{ checked: number; unsealed: number; firstBreak: ChainBreak | null }> {
  let prev = GENESIS_HASH;
  let after = '0';
  let checked = 0;
  const [{ n }] = await query('SELECT count(*)::int AS n FROM access_log WHERE hash IS NULL', []);
  const unsealed = Number(n);
  for (;;) {
    const rows = await query(
      `SELECT access_log.seq::text AS seq, chain_seq::text AS chain_seq, ${SELECT_HASHED}, prev_hash, hash
         FROM access_log WHERE access_log.chain_seq > $1::bigint ORDER BY access_log.chain_seq LIMIT $2`,
      [after, batch],
    );
    if (rows.length === 0) return { checked, unsealed, firstBreak: null };
    for (const r of rows) {
      const seq = String(r.seq);
      if (r.prev_hash !== prev) return { checked, unsealed, firstBreak: { seq, id: String(r.id), problem: 'prev-hash-mismatch' } };
      const expected = chainHash(prev, r as unknown as AccessLogRow);
      if (expected !== r.hash) return { checked, unsealed, firstBreak: { seq, id: String(r.id), problem: 'hash-mismatch' } };
      prev = String(r.hash);
      after = String(r.chain_seq);
      checked++;
    }
  }
}
