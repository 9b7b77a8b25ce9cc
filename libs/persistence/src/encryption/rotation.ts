import type { Pool, PoolClient } from 'pg';
import { DataKeyError, type KeyRing } from './key-ring';

/** One encrypted column: its name, and the column label its ciphertexts are bound to (associated data). */
export interface EncryptedColumn {
  readonly column: string;
  readonly label: string;
  /**
   * Expand/contract: the plaintext column this one replaces. The rotation seals what it still holds (as
   * JSON, like the service's cipher) into `column` and clears it; a later migration drops it.
   */
  readonly plaintext?: string;
  /**
   * `bytea` (default): the envelope itself. `sealed-json`: a jsonb column holding `{"sealed": "<base64
   * envelope>"}`, or, from before sealing, the plain JSON value (sealed by the rotation).
   */
  readonly format?: 'bytea' | 'sealed-json';
}

/** A table with encrypted columns, paged by a unique key that is also the rows' associated data. */
export interface EncryptedTable {
  readonly table: string;
  /** Unique column (uuid or text): keyset paging and the row id the ciphertexts are bound to. */
  readonly rowId: string;
  /** Optimistic lock column, if the table has one: a row whose version moved is left for a retry. */
  readonly version?: string;
  readonly columns: readonly EncryptedColumn[];
}

export interface TableRotationReport {
  table: string;
  scanned: number;
  /** Rows whose ciphertexts were sealed again under the current key (older key or no key id). */
  reencrypted: number;
  /** Rows whose plaintext (expand/contract) was sealed and cleared. */
  sealedFromPlaintext: number;
  /** Rows changed by someone else between read and write, then done on a retry. */
  retried: number;
  /** Rows still changing after every retry: run again. */
  conflicts: number;
  /** Ciphertexts no key of the ring opens (row ids only; never a value). */
  unreadable: string[];
}

export interface RotationOptions {
  batchSize?: number;
  /** Retries of rows that changed under the rotation, each re-read. */
  maxRetries?: number;
  /** After each committed batch (progress, and tests that write concurrently). */
  onBatch?: (table: string, report: TableRotationReport) => Promise<void> | void;
}

type Row = Record<string, unknown> & { __id: string };

const ident = (name: string) => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain identifier: ${name}`);
  return `"${name}"`;
};

/**
 * Re-encrypts every encrypted column of one table under the ring's current key while the service runs:
 * keyset-paged batches, each one transaction; a row is written only if its ciphertexts (and version) are
 * still the ones read, so a concurrent update is never overwritten (the version is not bumped: the content
 * did not change, and a user's save started before the rotation still succeeds). Rows already under the
 * current key are skipped, so a run is idempotent and an interrupted one is resumed by running it again.
 */
export async function rotateTable(pool: Pool, ring: KeyRing, t: EncryptedTable, o: RotationOptions = {}): Promise<TableRotationReport> {
  const batchSize = o.batchSize ?? 200;
  const report: TableRotationReport = { table: t.table, scanned: 0, reencrypted: 0, sealedFromPlaintext: 0, retried: 0, conflicts: 0, unreadable: [] };
  const cols = t.columns.flatMap((c) => [c.column, ...(c.plaintext ? [c.plaintext] : [])]);
  const select = `SELECT ${ident(t.rowId)}::text AS __id, ${[...cols, ...(t.version ? [t.version] : [])].map(ident).join(', ')} FROM ${ident(t.table)}`;
  let after: string | null = null;
  let pending: string[] = [];
  for (;;) {
    const rows: Row[] = await inTransaction(pool, async (c) => {
      const batch = (
        await c.query<Row>(
          after === null
            ? `${select} ORDER BY ${ident(t.rowId)} LIMIT $1`
            : `${select} WHERE ${ident(t.rowId)} > $2 ORDER BY ${ident(t.rowId)} LIMIT $1`,
          after === null ? [batchSize] : [batchSize, after],
        )
      ).rows;
      for (const row of batch) {
        if ((await rewriteRow(c, ring, t, row, report)) === 'conflict') pending.push(row.__id);
      }
      return batch;
    });
    report.scanned += rows.length;
    if (rows.length) await o.onBatch?.(t.table, report);
    if (rows.length < batchSize) break;
    after = rows[rows.length - 1].__id;
  }
  for (let attempt = 0; attempt < (o.maxRetries ?? 5) && pending.length; attempt++) {
    const again: string[] = [];
    for (const id of pending) {
      const outcome = await inTransaction(pool, async (c) => {
        const [row] = (await c.query<Row>(`${select} WHERE ${ident(t.rowId)} = $1`, [id])).rows;
        return row ? rewriteRow(c, ring, t, row, report) : 'done';
      });
      if (outcome === 'conflict') again.push(id);
      else report.retried++;
    }
    pending = again;
  }
  report.conflicts = pending.length;
  return report;
}

async function rewriteRow(c: PoolClient, ring: KeyRing, t: EncryptedTable, row: Row, report: TableRotationReport): Promise<'done' | 'conflict'> {
  const sets: string[] = [];
  const conds: string[] = [`${ident(t.rowId)} = $1`];
  const params: unknown[] = [row.__id];
  const param = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  let fromPlaintext = false;
  try {
    for (const col of t.columns) {
      if (col.format === 'sealed-json') {
        const stored = row[col.column];
        if (stored === null || stored === undefined) continue;
        const was = isSealedJson(stored) ? Buffer.from(stored.sealed, 'base64') : null;
        if (was && ring.isCurrent(was)) continue;
        const plain = was ? ring.decrypt(was, row.__id, col.label) : Buffer.from(JSON.stringify(stored), 'utf8');
        sets.push(`${ident(col.column)} = ${param(JSON.stringify({ sealed: ring.encrypt(plain, row.__id, col.label).toString('base64') }))}::jsonb`);
        conds.push(`${ident(col.column)} = ${param(JSON.stringify(stored))}::jsonb`);
        if (!was) fromPlaintext = true;
        continue;
      }
      const sealed = row[col.column] as Buffer | null;
      const plain = col.plaintext ? (row[col.plaintext] as string | null) : null;
      if (plain !== null && col.plaintext) {
        // A value written before this column was encrypted: sealed now, the plaintext cleared. If both are
        // present (a writer of the old release raced a new one), the plaintext is the newer: it wins.
        sets.push(`${ident(col.column)} = ${param(ring.encrypt(Buffer.from(JSON.stringify(plain), 'utf8'), row.__id, col.label))}`);
        sets.push(`${ident(col.plaintext)} = NULL`);
        conds.push(`${ident(col.plaintext)} = ${param(plain)}`);
        conds.push(`${ident(col.column)} IS NOT DISTINCT FROM ${param(sealed)}`);
        fromPlaintext = true;
      } else if (sealed !== null && !ring.isCurrent(sealed)) {
        sets.push(`${ident(col.column)} = ${param(ring.encrypt(ring.decrypt(sealed, row.__id, col.label), row.__id, col.label))}`);
        conds.push(`${ident(col.column)} = ${param(sealed)}`);
      }
    }
  } catch (e) {
    if (!(e instanceof DataKeyError)) throw e;
    report.unreadable.push(row.__id);
    return 'done';
  }
  if (!sets.length) return 'done';
  if (t.version) conds.push(`${ident(t.version)} = ${param(row[t.version])}`);
  const r = await c.query(`UPDATE ${ident(t.table)} SET ${sets.join(', ')} WHERE ${conds.join(' AND ')}`, params);
  if (r.rowCount === 0) return 'conflict';
  if (fromPlaintext) report.sealedFromPlaintext++;
  else report.reencrypted++;
  return 'done';
}

function isSealedJson(v: unknown): v is { sealed: string } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as { sealed?: unknown }).sealed === 'string';
}

async function inTransaction<T>(pool: Pool, fn: (c: PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    const out = await fn(c);
    await c.query('COMMIT');
    return out;
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    c.release();
  }
}

/** Counts, per table, of ciphertexts not under the current key and of plaintext still waiting to be sealed. */
export async function encryptionStatus(pool: Pool, ring: KeyRing, tables: readonly EncryptedTable[]) {
  const out: { table: string; column: string; byKey: Record<string, number>; plaintext: number }[] = [];
  for (const t of tables) {
    for (const col of t.columns) {
      const byKey: Record<string, number> = {};
      if (col.format === 'sealed-json') {
        const c = ident(col.column);
        const env = `decode(${c}->>'sealed', 'base64')`;
        const r = await pool.query<{ kid: string | null; sealed: boolean; n: string }>(
          `SELECT (jsonb_typeof(${c}) = 'object' AND ${c} ? 'sealed') AS sealed,
                  CASE WHEN jsonb_typeof(${c}) = 'object' AND ${c} ? 'sealed' AND get_byte(${env}, 0) = 2
                       THEN convert_from(substring(${env} from 3 for get_byte(${env}, 1)), 'SQL_ASCII') END AS kid,
                  count(*)::text AS n
             FROM ${ident(t.table)} WHERE ${c} IS NOT NULL GROUP BY 1, 2`,
        );
        let plaintext = 0;
        for (const x of r.rows) {
          if (x.sealed) byKey[x.kid ?? '(no key id)'] = Number(x.n);
          else plaintext += Number(x.n);
        }
        out.push({ table: t.table, column: col.column, byKey, plaintext });
        continue;
      }
      const rows = (
        await pool.query<{ kid: string | null; n: string }>(
          // The envelope header only (format byte, key id): the status never reads a ciphertext body.
          `SELECT CASE WHEN get_byte(${ident(col.column)}, 0) = 2 THEN convert_from(substring(${ident(col.column)} from 3 for get_byte(${ident(col.column)}, 1)), 'SQL_ASCII') END AS kid, count(*)::text AS n
             FROM ${ident(t.table)} WHERE ${ident(col.column)} IS NOT NULL GROUP BY 1`,
        )
      ).rows;
      for (const r of rows) byKey[r.kid ?? '(no key id)'] = Number(r.n);
      const plaintext = col.plaintext
        ? Number((await pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${ident(t.table)} WHERE ${ident(col.plaintext)} IS NOT NULL`)).rows[0].n)
        : 0;
      out.push({ table: t.table, column: col.column, byKey, plaintext });
    }
  }
  return { current: ring.currentId, columns: out };
}
