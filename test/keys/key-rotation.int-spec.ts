import 'reflect-metadata';
import { createCipheriv, randomBytes, randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { encryptionStatus, JsonSealer, KeyRing, runMigrations, serviceDataSourceOptions } from '@stac/persistence';
import type { EntityManager } from 'typeorm';
import type { Principal } from '@stac/auth';
import { allMigrations, IdempotencyRecords } from '@stac/runtime';
import { createTestDatabase, type TestDatabase } from '@stac/testing';
import { RISK_ASSESSMENT } from '../../apps/risk-assessment/src/risk-assessment.module';
import { ENCRYPTED_TABLES } from '../../tools/keys/src/encrypted-tables';
import { rotateService } from '../../tools/keys/src/main';

jest.setTimeout(120_000);

const ROWS = 600;
const b64 = () => randomBytes(32).toString('base64');

/** As risk-assessment's cipher wrote before key rings existed would have: 0x01 | iv | tag | body, no key id. */
function legacySeal(key: string, value: unknown, rowId: string, column: string): Buffer {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', Buffer.from(key, 'base64'), iv);
  c.setAAD(Buffer.from(`${rowId}\u0000${column}`, 'utf8'));
  const body = Buffer.concat([c.update(JSON.stringify(value), 'utf8'), c.final()]);
  return Buffer.concat([Buffer.from([1]), iv, c.getAuthTag(), body]);
}

/**
 * `pnpm keys rotate` on a real, migrated risk-assessment database while a writer keeps changing rows the
 * way the service does (sealing under the new current key, bumping the version): rows under the old key,
 * rows from before key ids, and plaintext from before DP-02 sealing (expand/contract) all end up under the
 * new key, and no concurrent write is lost.
 */
describe('pnpm keys rotate (real Postgres, concurrent writes)', () => {
  let db: TestDatabase;
  let pool: Pool;
  const [oldKey, newKey] = [b64(), b64()];
  const oldRing = KeyRing.parse(`old:${oldKey}`);
  const rotating = KeyRing.parse(`*new:${newKey},old:${oldKey}`);
  const newOnly = KeyRing.parse(`new:${newKey}`);
  /** What each row must read as: the last value written, whoever wrote it. */
  const expected = new Map<string, { rationale: string; formulation: string | null }>();

  beforeAll(async () => {
    db = await createTestDatabase('keys');
    await runMigrations(
      serviceDataSourceOptions({ url: db.url, entities: RISK_ASSESSMENT.entities, migrations: allMigrations(RISK_ASSESSMENT), applicationName: 'keys-int-migrate' }),
    );
    pool = new Pool({ connectionString: db.url, max: 4 });
    const before = new JsonSealer(oldRing);
    for (let start = 0; start < ROWS; start += 100) {
      const rows = Array.from({ length: 100 }, (_, j) => {
        const i = start + j;
        const id = randomUUID();
        const rationale = `rationale ${i} (synthetic)`;
        const formulation = i % 3 === 0 ? `formulation ${i} (synthetic)` : null;
        expected.set(id, { rationale, formulation });
        // One in ten still plaintext (saved before sealing), one in ten sealed before key ids, the rest under `old`.
        const kind = i % 10 === 0 ? 'plain' : i % 10 === 1 ? 'legacy' : 'old';
        const seal = (v: string | null, label: string) =>
          v === null || kind === 'plain' ? null : kind === 'legacy' ? legacySeal(oldKey, v, id, label) : before.seal(v, id, label);
        return [id, kind === 'plain' ? rationale : null, kind === 'plain' ? formulation : null, seal(rationale, 'rationale'), seal(formulation, 'formulation')];
      });
      await pool.query(
        `INSERT INTO risk_assessment (id, case_id, subject, instrument, instrument_version, status, level, rationale, formulation, rationale_enc, formulation_enc,
                                      owner_agency, assessor_issuer, assessor_subject, assessor_role, created_at, version)
         SELECT r.id, gen_random_uuid(), 'VICTIM_SITUATION', 'PROFESSIONAL_JUDGEMENT', 1, 'DRAFT', 'MEDIUM', r.rationale, r.formulation, r.rationale_enc, r.formulation_enc,
                'police', 'urn:test', 'assessor', 'stac-screener', now(), 1
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bytea[], $5::bytea[]) AS r(id, rationale, formulation, rationale_enc, formulation_enc)`,
        [0, 1, 2, 3, 4].map((k) => rows.map((r) => r[k])),
      );
    }
  });

  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  const readAll = async (ring: KeyRing) => {
    const sealer = new JsonSealer(ring);
    const rows = (await pool.query(`SELECT id, rationale, formulation, rationale_enc, formulation_enc FROM risk_assessment`)).rows;
    let unreadable = 0;
    const values = new Map<string, { rationale: string; formulation: string | null }>();
    for (const r of rows) {
      try {
        values.set(r.id, {
          rationale: r.rationale_enc ? sealer.open<string>(r.rationale_enc, r.id, 'rationale') : r.rationale,
          formulation: r.formulation_enc ? sealer.open<string>(r.formulation_enc, r.id, 'formulation') : r.formulation,
        });
      } catch {
        unreadable++;
      }
    }
    return { rows, values, unreadable };
  };

  it('DP-02: re-encrypts every value under the new key while the service writes; all rows then read with the new key alone, every write kept', async () => {
    // Before the rotation the old key is still needed: without it most rows do not open.
    expect((await readAll(newOnly)).unreadable).toBeGreaterThan(ROWS / 2);

    // The writer: the service after the new ring is deployed (new key current), changing random rows.
    const ids = [...expected.keys()];
    const sealer = new JsonSealer(rotating);
    let writes = 0;
    let rotating_ = true;
    const writer = (async () => {
      while (rotating_) {
        const id = ids[Math.floor(Math.random() * ids.length)];
        const rationale = `rewritten ${writes} (synthetic)`;
        const c = await pool.connect();
        try {
          await c.query('BEGIN');
          await c.query(`SELECT version FROM risk_assessment WHERE id = $1 FOR UPDATE`, [id]);
          await c.query(`UPDATE risk_assessment SET rationale_enc = $2, rationale = NULL, version = version + 1 WHERE id = $1`, [
            id,
            sealer.seal(rationale, id, 'rationale'),
          ]);
          await c.query('COMMIT');
          expected.set(id, { ...expected.get(id)!, rationale });
          writes++;
        } catch (e) {
          await c.query('ROLLBACK').catch(() => undefined);
          throw e;
        } finally {
          c.release();
        }
      }
    })();
    // Awaited below; a writer failure is reported there, never as an unhandled rejection meanwhile.
    const writerDone = writer.then(
      () => null,
      (e: unknown) => e,
    );

    const out: string[] = [];
    const env = { NODE_ENV: 'production', DATABASE_URL: db.url, RISK_ASSESSMENT_DATA_KEYS: rotating.toConfigValue() };
    let report;
    try {
      [report] = await rotateService('risk-assessment', env, (l) => out.push(l), 25);
    } finally {
      rotating_ = false;
    }
    expect(await writerDone).toBeNull();

    expect(writes).toBeGreaterThan(0);
    expect(report).toMatchObject({ table: 'risk_assessment', scanned: ROWS, conflicts: 0, unreadable: [] });
    // Every row that still held plaintext or an old ciphertext when the rotation reached it was rewritten.
    expect(report.reencrypted + report.sealedFromPlaintext).toBeGreaterThan(ROWS * 0.5);
    expect(report.sealedFromPlaintext).toBeGreaterThan(0);
    expect(out).toContainEqual(expect.stringMatching(/^risk_assessment: scanned 600, re-encrypted \d+, sealed from plaintext \d+, retried \d+, conflicts 0, unreadable 0$/));

    // The old key leaves the ring: every row opens with the new key alone, and holds the last value written.
    const after = await readAll(newOnly);
    expect(after.unreadable).toBe(0);
    expect(after.values).toEqual(expected);
    expect(after.rows.filter((r) => r.rationale !== null || r.formulation !== null)).toEqual([]);
    // Nothing is left under the old key, or without a key id.
    expect((await readAll(oldRing)).values.size).toBe(0);
    const status = await encryptionStatus(pool, rotating, ENCRYPTED_TABLES['risk-assessment']);
    expect(status.columns).toEqual([
      { table: 'risk_assessment', column: 'rationale_enc', byKey: { new: ROWS }, plaintext: 0 },
      { table: 'risk_assessment', column: 'formulation_enc', byKey: { new: ROWS / 3 }, plaintext: 0 },
      { table: 'risk_idempotency_record', column: 'response', byKey: {}, plaintext: 0 },
    ]);
  });

  it('DP-02: a second run finds nothing to do (idempotent, so an interrupted run is resumed by running it again)', async () => {
    const env = { NODE_ENV: 'production', DATABASE_URL: db.url, RISK_ASSESSMENT_DATA_KEYS: rotating.toConfigValue() };
    const [report] = await rotateService('risk-assessment', env, () => undefined);
    expect(report).toMatchObject({ scanned: ROWS, reencrypted: 0, sealedFromPlaintext: 0, conflicts: 0, unreadable: [] });
  });

  it('DP-02: first answers to Idempotency-Keys (which can echo sealed fields) are stored sealed, replay, and rotate like every column; clear ones from before are sealed', async () => {
    const m = { query: async (sql: string, params?: unknown[]) => (await pool.query(sql, params)).rows } as unknown as EntityManager;
    const principal = { issuer: 'urn:test', subject: 'advocate-1', agency: 'advocacy', roles: [] } as unknown as Principal;
    const command = (idempotencyKey: string) => ({ principal, idempotencyKey, command: 'advocacy.contact.record', body: { n: idempotencyKey } });
    const answer = (k: string) => ({ contactId: k, notes: `CANARY-IDEMPOTENT ${k} (synthetic)` });
    const before = new IdempotencyRecords('risk_idempotency_record', oldRing);
    for (const k of ['a', 'b', 'c']) await before.run(m, command(k), async () => answer(k));
    // A first answer stored in clear by a release before sealing.
    await new IdempotencyRecords('risk_idempotency_record').run(m, command('legacy'), async () => answer('legacy'));
    const dump = async () => (await pool.query(`SELECT row_to_json(r)::text AS row FROM risk_idempotency_record r`)).rows.map((r) => r.row).join('\n');
    expect((await dump()).match(/CANARY/g)).toHaveLength(1); // only the legacy one
    // Replays: the sealed ones open, the clear one replays as it was.
    const replay = (records: IdempotencyRecords, k: string) => records.run(m, command(k), async () => ({ ran: 'again' }));
    expect(await replay(before, 'a')).toEqual(answer('a'));
    expect(await replay(before, 'legacy')).toEqual(answer('legacy'));

    const env = { NODE_ENV: 'production', DATABASE_URL: db.url, RISK_ASSESSMENT_DATA_KEYS: rotating.toConfigValue() };
    const reports = await rotateService('risk-assessment', env, () => undefined);
    expect(reports.find((r) => r.table === 'risk_idempotency_record')).toMatchObject({ scanned: 4, reencrypted: 3, sealedFromPlaintext: 1, conflicts: 0, unreadable: [] });
    expect(await dump()).not.toMatch(/CANARY/);
    const after = new IdempotencyRecords('risk_idempotency_record', newOnly);
    for (const k of ['a', 'b', 'c', 'legacy']) expect(await replay(after, k)).toEqual(answer(k));
    // A different body under a used key is still refused.
    await expect(after.run(m, { ...command('a'), body: { other: true } }, async () => ({}))).rejects.toMatchObject({ problem: { status: 422 } });
  });

  it("DP-02: the tool refuses a production run without the service's key ring", async () => {
    const env = { NODE_ENV: 'production', DATABASE_URL: db.url };
    await expect(rotateService('risk-assessment', env, () => undefined)).rejects.toThrow(/RISK_ASSESSMENT_DATA_KEYS is required/);
  });
});
