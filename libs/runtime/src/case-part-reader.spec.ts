import type { DataSource } from 'typeorm';
import type { AccessControl, AccessEntry, AccessLog, Authorized } from '@stac/auth';
import type { RpcRequest } from '@stac/contracts';
import { CasePartReader, type CasePartRead } from './case-part-reader';

const caseId = '00000000-0000-4000-8000-0000000000c1';
const granted: Authorized = {
  principal: { issuer: 'urn:test', subject: 'officer-1', agency: 'police', roles: ['case-officer'] },
  decision: { allow: true, rule: 'case.read', via: 'AGENCY_SHARE', status: 200 },
  purpose: 'safeguarding',
  fieldGroups: [],
};

/** The reader over a recording access log; `rows` is what a logged read returns. */
function reader(rows: unknown[]) {
  const logged: { sql: string; entry: AccessEntry }[] = [];
  const recorded: AccessEntry[] = [];
  const access = { authorize: async () => granted } as unknown as AccessControl;
  const log = {
    readLogged: async (_db: unknown, sql: string, _params: unknown[], entry: AccessEntry) => {
      logged.push({ sql, entry });
      return rows;
    },
    record: async (_db: unknown, entry: AccessEntry) => void recorded.push(entry),
  } as unknown as AccessLog;
  const r = new CasePartReader(access, log, {} as DataSource);
  const req: RpcRequest<unknown> = { correlationId: 'corr-1', token: 't', purpose: 'safeguarding', body: { caseId } };
  const read = <T>(o: CasePartRead<T>) => r.read(req, o);
  return { read, logged, recorded };
}

describe('CasePartReader (LAW-01, LAW-02: one access-log row per part disclosed)', () => {
  it('LAW-02: a part read through `logged` is logged by that statement alone, as a disclosure to the reading agency', async () => {
    const { read, logged, recorded } = reader([{ id: 'row-1' }]);
    const part = await read({ recordType: 'screening-task', load: async (_c, _g, q) => (await q<{ id: string }>('SELECT 1', []))[0] ?? null });
    expect(part).toEqual({ id: 'row-1' });
    expect(recorded).toEqual([]);
    expect(logged).toHaveLength(1);
    expect(logged[0].entry).toMatchObject({ operation: 'disclosure', action: 'case.read', recordType: 'screening-task', recordIds: [caseId], recipients: ['police'], correlationId: 'corr-1' });
  });

  it('LAW-02: nothing read, nothing disclosed: no row and no answer', async () => {
    const { read, recorded } = reader([]);
    expect(await read({ recordType: 'screening-task', load: async (_c, _g, q) => (await q('SELECT 1', []))[0] ?? null })).toBeNull();
    expect(recorded).toEqual([]);
  });

  it('LAW-02: a part answered although its logged read found nothing, or loaded without it, still gets its row before the answer', async () => {
    const { read, recorded } = reader([]);
    expect(await read({ recordType: 'advocacy-offer', load: async (_c, _g, q) => ((await q('SELECT 1', [])).length ? null : { fallback: true }) })).toEqual({ fallback: true });
    expect(await read({ recordType: 'case', load: async () => ({ people: ['p-1'] }), recordIds: (p) => p.people })).toEqual({ people: ['p-1'] });
    expect(recorded.map((e) => e.recordIds)).toEqual([[caseId], [caseId, 'p-1']]);
  });

  it('LAW-02: the row records the legal basis the part gives for the read', async () => {
    const { read, recorded } = reader([]);
    await read({
      recordType: 'mental-health-case-part',
      load: async () => ({ checks: ['k-1'] }),
      recordIds: (p) => p.checks,
      legalBasis: (g) => (g.owning ? undefined : `agreement:mental-health-to-${g.principal.agency}`),
    });
    expect(recorded).toEqual([expect.objectContaining({ operation: 'disclosure', recordIds: [caseId, 'k-1'], legalBasis: 'agreement:mental-health-to-police' })]);
  });

  it('LAW-02: a part naming its records may log them with its read (ids in SQL); the row must name exactly what the part discloses', async () => {
    const named = reader([{ id: 'p-1', access_logged_ids: [caseId, 'p-1'] }]);
    const people = { recordType: 'case', recordIds: (p: { ids: string[] }) => p.ids };
    const load = async (_c: string, _g: unknown, q: Parameters<CasePartRead<{ ids: string[] }>['load']>[2]) => ({ ids: (await q<{ id: string }>('SELECT 1', [], { recordIds: 'ARRAY[]::text[]' })).map((r) => r.id) });
    expect(await named.read({ ...people, load })).toEqual({ ids: ['p-1'] });
    expect(named.recorded).toEqual([]);

    // The statement's condition left the row unwritten: the reader writes it after the load, with the part's ids.
    const later = reader([{ id: 'p-1', access_logged_ids: null }]);
    expect(await later.read({ ...people, load })).toEqual({ ids: ['p-1'] });
    expect(later.recorded.map((e) => e.recordIds)).toEqual([[caseId, 'p-1']]);

    // Ids that differ from the answer's: nothing leaves.
    const other = reader([{ id: 'p-1', access_logged_ids: [caseId, 'p-2'] }]);
    await expect(other.read({ ...people, load })).rejects.toThrow('other records than the part discloses');
  });

  it('refuses a second logged read in one part, and a logged read by a part whose row names its records', async () => {
    const { read } = reader([{ id: 'x' }]);
    await expect(
      read({
        recordType: 'screening-task',
        load: async (_c, _g, q) => {
          await q('SELECT 1', []);
          return q('SELECT 2', []);
        },
      }),
    ).rejects.toThrow('one logged read per part');
    await expect(read({ recordType: 'case', load: async (_c, _g, q) => q('SELECT 1', []), recordIds: () => ['p-1'] })).rejects.toThrow('logs after the load');
  });
});
