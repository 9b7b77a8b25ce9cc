import { DataSource } from 'typeorm';
import { randomUUID } from 'node:crypto';
import { grantRuntimeRole, runMigrations, serviceDataSourceOptions } from '@stac/persistence';
import { createTestServiceDatabase, type TestServiceDatabase } from '@stac/testing';
import { AccessLog } from '../access-log/access-log';
import { ACCESS_LOG_MIGRATIONS } from '../access-log/access-log-migrations';
import { ACCESS_LOG_RUNTIME_GRANTS } from '../access-log/access-log-keyed-chain.migration';
import { defaultAgreementsMigration } from '../access-log/default-agreements';
import { RestrictedAccess1796251000000 } from '../access-log/restricted-access.migration';
import { CaseAccessGrants } from '../case-access-grants';
import { CaseRelationships } from './case-relationships';
import { CaseAccessReplicas1796310000000 } from '../access-log/case-access-replicas.migration';
import { CaseRelationshipTeam1796330000000 } from './case-relationship-team.migration';
import { decide } from './decide';
import { parseOwningTeams } from './owning-teams';
import type { Principal } from './vocabulary';

jest.setTimeout(30_000);

const MET = 'https://idp.met.example';
const NATIONAL = 'https://idp.national-police.example';
let db: TestServiceDatabase;
let ds: DataSource;
const relationships = new CaseRelationships();
const officer = (subject: string, issuer: string, team?: string): Principal => ({
  issuer,
  subject,
  agency: 'police',
  roles: ['case-officer'],
  ...(team ? { team } : {}),
});
const system: Principal = { issuer: 'urn:stac:platform', subject: 'service:intake', agency: 'police', roles: [] };

async function openCase(grants: CaseAccessGrants): Promise<string> {
  const caseId = randomUUID();
  await ds.transaction((m) =>
    grants.open(m, { caseId, owner: 'police', shares: [{ agency: 'advocacy', agreementCode: 'police-to-advocacy' }], actor: system, correlationId: 'c-team' }),
  );
  return caseId;
}
const status = async (caseId: string, p: Principal) => decide(p, 'case.read', await relationships.forPrincipal(ds, caseId, p), [], p.agency === 'police' ? 'investigation' : 'safeguarding').status;

beforeAll(async () => {
  db = await createTestServiceDatabase('teams');
  await runMigrations(
    serviceDataSourceOptions({
      url: db.ownerUrl,
      entities: [],
      migrations: [...ACCESS_LOG_MIGRATIONS, defaultAgreementsMigration('police'), RestrictedAccess1796251000000, CaseAccessReplicas1796310000000, CaseRelationshipTeam1796330000000],
      applicationName: 'test',
    }),
  );
  await grantRuntimeRole(db.ownerUrl, db.runtimeRole, ACCESS_LOG_RUNTIME_GRANTS);
  ds = new DataSource(serviceDataSourceOptions({ url: db.url, entities: [], migrations: [], applicationName: 'test' }));
  await ds.initialize();
});
afterAll(async () => {
  await ds?.destroy();
  await db?.drop();
});

describe('owning team inside the agency (AC-02)', () => {
  it("AC-02: a case owned by the police S-TAC team opens to that team's members only, as named by the same issuer", async () => {
    const grants = new CaseAccessGrants(relationships, new AccessLog(), parseOwningTeams(JSON.stringify({ police: { issuer: MET, team: 'stac' } })));
    const caseId = await openCase(grants);
    expect(await status(caseId, officer('stac-member', MET, 'stac'))).toBe(200);
    // Every other officer of the force, with or without another team, cannot see the case (AC-09: 404).
    expect(await status(caseId, officer('met-officer', MET))).toBe(404);
    expect(await status(caseId, officer('cid-officer', MET, 'cid'))).toBe(404);
    // The same team name from another identity provider of the same agency is another team.
    expect(await status(caseId, officer('national-stac', NATIONAL, 'stac'))).toBe(404);
    // What is shared with another agency is unaffected.
    const advocate: Principal = { issuer: 'https://idp.charity.example', subject: 'adv', agency: 'advocacy', roles: ['advocate'] };
    expect(await status(caseId, advocate)).toBe(200);
  });

  it('AC-02: an agency without teams in OWNING_TEAMS owns its cases as a whole, as before', async () => {
    const caseId = await openCase(new CaseAccessGrants(relationships, new AccessLog(), parseOwningTeams('{}')));
    expect(await status(caseId, officer('any-officer', MET))).toBe(200);
    expect(await status(caseId, officer('other-idp', NATIONAL, 'whatever'))).toBe(200);
  });

  it('AC-02: a team is recorded only on an owning-team relationship, with its issuer', async () => {
    const caseId = randomUUID();
    await expect(
      ds.query(`INSERT INTO case_relationship (id, case_id, kind, agency, team, valid_from, created_by) VALUES ($1, $2, 'ASSIGNMENT', 'police', 'stac', now(), 't')`, [
        randomUUID(),
        caseId,
      ]),
    ).rejects.toThrow(/case_relationship_team_issuer/);
  });

  it('AC-02: OWNING_TEAMS is checked at start: agencies, https issuers and team codes only', () => {
    expect(() => parseOwningTeams('{"met": {"issuer": "https://x", "team": "stac"}}')).toThrow(/not an agency/);
    expect(() => parseOwningTeams('{"police": {"issuer": "http://x", "team": "stac"}}')).toThrow(/https/);
    expect(() => parseOwningTeams('{"police": {"issuer": "https://x", "team": "a b"}}')).toThrow(/team code/);
    expect(parseOwningTeams('{"police": {"issuer": "https://x", "team": "stac"}}')).toEqual({ police: { issuer: 'https://x', team: 'stac' } });
  });
});
