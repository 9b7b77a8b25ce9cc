import type { EntityManager } from 'typeorm';
import { appendRow, WriteBatch } from './write-batch';

function fakeManager(active = true) {
  const sent: { sql: string; params: unknown[] }[] = [];
  const m = { queryRunner: { isTransactionActive: active }, query: async (sql: string, params: unknown[]) => void sent.push({ sql, params }) };
  return { m: m as unknown as EntityManager, sent };
}

describe('WriteBatch', () => {
  it('sends the collected writes as one statement, each part renumbered after the ones before it', async () => {
    const { m, sent } = fakeManager();
    const b = new WriteBatch(m);
    b.add('INSERT INTO a (x, y) SELECT * FROM unnest($1::int[], $2::int[])', [[1], [2]]);
    await b.manager().query('INSERT INTO c (z) SELECT $1 WHERE $1 > 0', [3]);
    expect(sent).toEqual([]);
    await b.flush();
    expect(sent).toHaveLength(1);
    expect(sent[0].sql).toBe('WITH w0 AS (INSERT INTO a (x, y) SELECT * FROM unnest($1::int[], $2::int[])),\nw1 AS (INSERT INTO c (z) SELECT $3 WHERE $3 > 0)\nSELECT 1');
    expect(sent[0].params).toEqual([[1], [2], 3]);
    await b.flush();
    expect(sent).toHaveLength(1);
  });

  it('the same one-row INSERT again becomes another row of its VALUES list, in the order added, whatever came between', async () => {
    const { m, sent } = fakeManager();
    const b = new WriteBatch(m);
    const log = 'INSERT INTO access_log (id, roles) VALUES ($1, $2::text[])';
    b.add(log, ['a', ['x']]);
    b.add(log, ['b', ['y']]);
    b.add('INSERT INTO outbox (id) VALUES ($1)', ['e']);
    b.add(log, ['c', []]);
    b.add('INSERT INTO outbox (id) VALUES ($1)', ['f']);
    expect(b.parameterCount).toBe(8);
    await b.flush();
    expect(sent[0].sql).toBe(
      'WITH w0 AS (INSERT INTO access_log (id, roles) VALUES ($1, $2::text[]), ($3, $4::text[]), ($5, $6::text[])),\nw1 AS (INSERT INTO outbox (id) VALUES ($7), ($8))\nSELECT 1',
    );
    expect(sent[0].params).toEqual(['a', ['x'], 'b', ['y'], 'c', [], 'e', 'f']);
    expect(b.parameterCount).toBe(0);
    b.add(log, ['d', []]);
    await b.flush();
    expect(sent[1]).toEqual({ sql: log, params: ['d', []] });
  });

  it('appendRow: rows of a transaction whose batch collects appends join that batch; elsewhere they are written at once', async () => {
    const { m, sent } = fakeManager();
    const log = 'INSERT INTO access_log (id) VALUES ($1)';
    await appendRow(m, log, ['now']);
    expect(sent).toEqual([{ sql: log, params: ['now'] }]);

    const b = new WriteBatch(m).collectAppends();
    await appendRow(m, log, ['x']);
    await appendRow(m, 'INSERT INTO outbox (id) VALUES ($1)', ['e']);
    await appendRow(m, log, ['y']);
    expect(sent).toHaveLength(1);
    await b.flush();
    expect(sent[1]).toEqual({
      sql: 'WITH w0 AS (INSERT INTO access_log (id) VALUES ($1), ($2)),\nw1 AS (INSERT INTO outbox (id) VALUES ($3))\nSELECT 1',
      params: ['x', 'y', 'e'],
    });

    // Another transaction (another query runner) has no batch: written at once.
    const other = fakeManager();
    await appendRow(other.m, log, ['z']);
    expect(other.sent).toEqual([{ sql: log, params: ['z'] }]);
    // A manager with no query runner (a data source outside any transaction): at once.
    const bare = { query: async (sql: string, params: unknown[]) => void sent.push({ sql, params }) };
    await appendRow(bare as unknown as EntityManager, log, ['r']);
    expect(sent.at(-1)).toEqual({ sql: log, params: ['r'] });
  });

  it('appendRow through a manager of another batch stays in that batch; a collecting batch flushes itself before it grows too large', async () => {
    const { m, sent } = fakeManager();
    const collecting = new WriteBatch(m).collectAppends();
    const own = new WriteBatch(m);
    await appendRow(own.manager(), 'INSERT INTO access_log (id) VALUES ($1)', ['mine']);
    expect(own.size).toBe(1);
    expect(collecting.size).toBe(0);

    const wide = 'INSERT INTO access_log (' + Array.from({ length: 20 }, (_, i) => `c${i}`).join(', ') + ') VALUES (' + Array.from({ length: 20 }, (_, i) => `$${i + 1}`).join(', ') + ')';
    for (let i = 0; i < 1501; i++) await appendRow(m, wide, Array.from({ length: 20 }, () => i));
    // 30,020 parameters crossed 30,000 on the 1,501st row: one statement sent, nothing left waiting.
    expect(sent).toHaveLength(1);
    expect(sent[0].params).toHaveLength(30_020);
    expect(collecting.size).toBe(0);
  });

  it('one write is sent as it is; outside a transaction, or with a placeholder without its parameter, it refuses', async () => {
    const { m, sent } = fakeManager();
    const b = new WriteBatch(m);
    b.add('INSERT INTO a (x) VALUES ($1)', [1]);
    await b.flush();
    expect(sent).toEqual([{ sql: 'INSERT INTO a (x) VALUES ($1)', params: [1] }]);
    expect(() => new WriteBatch(fakeManager(false).m)).toThrow(/inside a transaction/);
    b.add('INSERT INTO a (x) VALUES ($1)', [1]);
    b.add('INSERT INTO b (x) VALUES ($2)', [1]);
    await expect(b.flush()).rejects.toThrow(/\$2 has no parameter/);
  });
});
