import type { EntityManager } from 'typeorm';
import { WriteBatch } from './write-batch';

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

  it('the same one-row INSERT again becomes another row of its VALUES list, in the order added', async () => {
    const { m, sent } = fakeManager();
    const b = new WriteBatch(m);
    const log = 'INSERT INTO access_log (id, roles) VALUES ($1, $2::text[])';
    b.add(log, ['a', ['x']]);
    b.add(log, ['b', ['y']]);
    b.add('INSERT INTO outbox (id) VALUES ($1)', ['e']);
    b.add(log, ['c', []]);
    await b.flush();
    expect(sent[0].sql).toBe(
      'WITH w0 AS (INSERT INTO access_log (id, roles) VALUES ($1, $2::text[]), ($3, $4::text[])),\nw1 AS (INSERT INTO outbox (id) VALUES ($5)),\nw2 AS (INSERT INTO access_log (id, roles) VALUES ($6, $7::text[]))\nSELECT 1',
    );
    expect(sent[0].params).toEqual(['a', ['x'], 'b', ['y'], 'e', 'c', []]);
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
