import type { EntityManager } from 'typeorm';

interface Statement {
  sql: string;
  params: unknown[];
}

/** `INSERT INTO t (columns) VALUES (row)` and nothing after the row. */
const SINGLE_ROW_INSERT = /^(INSERT INTO [a-z_][a-z0-9_]* \([^()]*\) VALUES )(\((?:[^()]|\([^()]*\))*\))$/;

/** The batch collecting a transaction's append-only rows, by the transaction's query runner (see `WriteBatch.collectAppends`). */
const appendSinks = new WeakMap<object, WriteBatch>();
const MAX_DEFERRED_PARAMETERS = 30_000;
/** Marks the managers `WriteBatch.manager()` hands out: their `query` already defers. */
const DEFERRING = Symbol('WriteBatch.deferring');

/**
 * Writes one row of an append-only table (the access log, the outbox): rows nobody reads back in the
 * transaction that writes them. When that transaction has a batch collecting such rows
 * (`collectAppends`, e.g. an event consumer's transaction), the row joins the batch and is written with
 * the batch, before the commit; otherwise it is written at once through `m`.
 */
export async function appendRow(m: Pick<EntityManager, 'query'> & { queryRunner?: object }, sql: string, params: unknown[]): Promise<void> {
  const sink = (m as { [DEFERRING]?: true })[DEFERRING] || !m.queryRunner ? undefined : appendSinks.get(m.queryRunner);
  if (!sink) {
    await m.query(sql, params);
    return;
  }
  sink.add(sql, params);
  // Far below Postgres's 65,535 parameters per statement: a long batch goes in several statements.
  if (sink.parameterCount > MAX_DEFERRED_PARAMETERS) await sink.flush();
}

/** Renumbered SQL by statement and offset: the same few statements recur on every request. */
const renumbered = new Map<string, string>();
const RENUMBERED_CAPACITY = 2000;

/** The statement's placeholders $1..$count moved up by `offset`. */
function renumber(sql: string, count: number, offset: number): string {
  const key = `${offset}:${count}:${sql}`;
  const known = renumbered.get(key);
  if (known !== undefined) return known;
  const out = renumberNow(sql, count, offset);
  if (renumbered.size >= RENUMBERED_CAPACITY) renumbered.clear();
  renumbered.set(key, out);
  return out;
}

function renumberNow(sql: string, count: number, offset: number): string {
  return sql.replace(/\$(\d+)/g, (_, n: string) => {
    const k = Number(n);
    if (k < 1 || k > count) throw new Error(`WriteBatch: $${k} has no parameter`);
    return `$${k + offset}`;
  });
}

/**
 * Writes of one transaction whose answers nobody reads (INSERTs of rows made up in Node: the case, its
 * people, the outbox row, the relationships, the access-log rows), collected and sent to Postgres as ONE
 * statement: each becomes a data-modifying `WITH` part, so they run in the same transaction with the same
 * constraints (foreign keys are checked at the end of the statement, a unique violation still fails it)
 * and cost one round trip instead of one each. Each part runs exactly once and to completion.
 *
 * `manager()` hands the libraries' own writers (`AccessLog.append`, `Outbox.enqueue`,
 * `CaseAccessGrants.open`) a manager whose `query` records the statement instead of running it, so their
 * SQL and rows stay theirs: only writers that never read what their statement answers may be given it.
 */
export class WriteBatch {
  private readonly statements: Statement[] = [];
  /** The collected one-row `INSERT ... VALUES (...)` statements further rows can join, by their SQL as first added. */
  private readonly singles = new Map<string, Statement>();
  private parameters = 0;

  constructor(private readonly m: EntityManager) {
    if (!m.queryRunner?.isTransactionActive) throw new Error('WriteBatch must run inside a transaction');
  }

  add(sql: string, params: unknown[]): void {
    if (sql.includes('$$')) throw new Error('WriteBatch: dollar-quoted SQL cannot be renumbered');
    const row = SINGLE_ROW_INSERT.exec(sql);
    const earlier = row ? this.singles.get(sql) : undefined;
    // The same one-row INSERT again (the access log's rows, one append each): one more row of its VALUES
    // list, so the rows are numbered in the order they were added, as one INSERT after another numbers
    // them. (The parts of one statement run in no set order; the rows of one VALUES list do.)
    if (row && earlier) {
      earlier.sql += `, ${renumber(row[2], params.length, earlier.params.length)}`;
      earlier.params.push(...params);
    } else {
      const statement = { sql, params: [...params] };
      this.statements.push(statement);
      if (row) this.singles.set(sql, statement);
    }
    this.parameters += params.length;
  }

  /** Parameters collected so far (a statement takes at most 65,535). */
  get parameterCount(): number {
    return this.parameters;
  }

  /**
   * Makes this batch the sink of the transaction's append-only rows (`appendRow`: access-log and outbox
   * rows), from any writer that runs in it, until the transaction ends. The owner of the transaction must
   * `flush()` before it commits.
   */
  collectAppends(): this {
    appendSinks.set(this.m.queryRunner as object, this);
    return this;
  }

  /** A manager for writers that only INSERT and read nothing back: their statements join the batch. */
  manager(): EntityManager {
    const deferred = {
      [DEFERRING]: true,
      queryRunner: this.m.queryRunner,
      query: async (sql: string, params: unknown[] = []) => {
        this.add(sql, params);
        return [];
      },
    };
    return deferred as unknown as EntityManager;
  }

  get size(): number {
    return this.statements.length;
  }

  /** Runs every collected write as one statement (nothing when empty) and empties the batch. */
  async flush(): Promise<void> {
    const parts = this.statements.splice(0);
    this.singles.clear();
    this.parameters = 0;
    if (parts.length === 0) return;
    if (parts.length === 1) {
      await this.m.query(parts[0].sql, parts[0].params);
      return;
    }
    const params: unknown[] = [];
    const ctes = parts.map((p, i) => {
      const offset = params.length;
      params.push(...p.params);
      // This part's placeholders after the parts before it ($1 of the third part becomes $n+1).
      return `w${i} AS (${renumber(p.sql, p.params.length, offset)})`;
    });
    await this.m.query(`WITH ${ctes.join(',\n')}\nSELECT 1`, params);
  }
}
