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
/** Serialises appends so the chain has one order; held only for the insert and the commit. */
const ACCESS_LOG_LOCK = 0x5354_4131;

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
 * (LAW-02: no log, no data).
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
    await m.query('SELECT pg_advisory_xact_lock($1)', [ACCESS_LOG_LOCK]);
    const [last] = await m.query('SELECT hash FROM access_log ORDER BY seq DESC LIMIT 1');
    const prev = (last?.hash as string | undefined) ?? GENESIS_HASH;
    const hash = chainHash(prev, row);
    await m.query(
      `INSERT INTO access_log (${HASHED.join(', ')}, prev_hash, hash)
       VALUES (${HASHED.map((_, i) => `$${i + 1}`).join(', ')}, $${HASHED.length + 1}, $${HASHED.length + 2})`,
      [...HASHED.map((k) => row[k]), prev, hash],
    );
    return row.id;
  }

  /** Records in its own short transaction (reads and denials). */
  record(ds: DataSource, e: AccessEntry): Promise<string> {
    return ds.transaction((m) => this.append(m, e));
  }
}

export interface ChainBreak {
  seq: string;
  id: string;
  problem: 'prev-hash-mismatch' | 'hash-mismatch';
}

/** Walks the chain in order; returns the first broken link, or null when intact (LAW-04). */
export async function verifyAccessLog(
  query: (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>,
  batch = 5000,
): Promise<{ checked: number; firstBreak: ChainBreak | null }> {
  let prev = GENESIS_HASH;
  let after = '0';
  let checked = 0;
  for (;;) {
    const rows = await query(
      `SELECT seq::text, ${HASHED.filter((k) => k !== 'occurred_at').join(', ')},
              to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS occurred_at, prev_hash, hash
         FROM access_log WHERE access_log.seq > $1::bigint ORDER BY access_log.seq LIMIT $2`,
      [after, batch],
    );
    if (rows.length === 0) return { checked, firstBreak: null };
    for (const r of rows) {
      const seq = String(r.seq);
      if (r.prev_hash !== prev) return { checked, firstBreak: { seq, id: String(r.id), problem: 'prev-hash-mismatch' } };
      const expected = chainHash(prev, r as unknown as AccessLogRow);
      if (expected !== r.hash) return { checked, firstBreak: { seq, id: String(r.id), problem: 'hash-mismatch' } };
      prev = String(r.hash);
      after = seq;
      checked++;
    }
  }
}
