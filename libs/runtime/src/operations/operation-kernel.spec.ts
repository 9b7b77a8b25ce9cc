import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { IsUUID } from 'class-validator';
import type { DataSource } from 'typeorm';
import { AccessControl, type AccessLog, type CaseRelationships, type CaseResource, type Principal, type TokenVerifier } from '@stac/auth';
import { operation } from '@stac/contracts';
import { FixedClock } from '../clock';
import { IdempotencyRecords } from '../idempotency';
import { OperationKernel } from './operation-kernel';

class OnCase {
  @IsUUID() caseId: string;
}
class Anywhere {}

/** A case-scoped operation (the caller needs a relationship to the case) and one that names no case. */
const caseScoped = operation<OnCase, unknown>({
  name: 'test.on-case',
  service: 'intake',
  subject: 'rpc.intake.test.on-case',
  request: OnCase,
  action: 'case.read',
  access: { recordType: 'case', processing: 'consultation', caseIdField: 'caseId', loggedBy: 'handler' },
});
const unscoped = operation<Anywhere, unknown>({
  name: 'test.anywhere',
  service: 'intake',
  subject: 'rpc.intake.test.anywhere',
  request: Anywhere,
  action: 'referral.create',
  access: { recordType: 'referral', processing: 'collection', loggedBy: 'handler' },
});

const officer: Principal = { issuer: 'urn:test', subject: 'officer-1', agency: 'police', roles: ['case-officer'] };
const mine = randomUUID();
const theirs = randomUUID();
const denials: { action: string; recordIds: string[] }[] = [];

/** The real AccessControl and decide(); the caller's relationships: the owning team of `mine` only. */
function kernel(): OperationKernel {
  const verifier = { verify: async () => officer } as unknown as TokenVerifier;
  const relationships = {
    forPrincipal: async (_db: unknown, caseId: string): Promise<CaseResource> => ({
      relationships: caseId === mine ? [{ kind: 'OWNING_TEAM', fieldGroups: [], readOnly: false }] : [],
      excluded: false,
    }),
  } as unknown as CaseRelationships;
  const accessLog = {
    record: async (_ds: unknown, e: { action: string; recordIds: string[] }) => void denials.push({ action: e.action, recordIds: e.recordIds }),
  } as unknown as AccessLog;
  const ds = {} as DataSource;
  return new OperationKernel(new AccessControl(verifier, ds, accessLog, relationships), accessLog, ds, new FixedClock(new Date('2026-12-01T09:00:00Z')), new IdempotencyRecords('test_idempotency'));
}

const req = (body: object) => ({ correlationId: randomUUID(), token: 'forwarded', purpose: 'investigation', body });
const statusOf = (p: Promise<unknown>) =>
  p.then(
    () => 200,
    (e: { problem?: { status?: number }; getStatus?: () => number }) => e.problem?.status ?? e.getStatus?.() ?? e,
  );

beforeEach(() => denials.splice(0));

describe('RequestContext.alsoAuthorize (a second decision within one request)', () => {
  it("AC-02: a case-scoped action is decided with the caller's relationships to the operation's case", async () => {
    const { ctx } = await kernel().admit(caseScoped, req({ caseId: mine }));
    // order.manage needs OWNING_TEAM or ASSIGNMENT on the case: held on this one.
    await expect(ctx.alsoAuthorize('order.manage', 'collection')).resolves.toBeUndefined();
    expect(denials).toEqual([]);
  });

  it('AC-09: on a case the caller holds nothing on, the second decision is the one 404, logged against that case (LAW-03)', async () => {
    const k = kernel();
    const { ctx } = await k.admit(unscoped, req({}));
    expect(await statusOf(ctx.alsoAuthorize('order.manage', 'collection', { caseId: theirs }))).toBe(404);
    expect(denials).toEqual([{ action: 'order.manage', recordIds: [theirs] }]);
    // The same caller on their own case named explicitly is allowed.
    await expect(ctx.alsoAuthorize('order.manage', 'collection', { caseId: mine })).resolves.toBeUndefined();
  });

  it('AC-01: a role the action does not accept is 403 whatever the case', async () => {
    const { ctx } = await kernel().admit(caseScoped, req({ caseId: mine }));
    expect(await statusOf(ctx.alsoAuthorize('consultation.manage', 'collection'))).toBe(403);
  });

  it('an action that is not case-scoped is decided on the role alone; a case-scoped one without any case is a programming error, never an allow', async () => {
    const { ctx } = await kernel().admit(unscoped, req({}));
    await expect(ctx.alsoAuthorize('referral.create', 'collection')).resolves.toBeUndefined();
    await expect(ctx.alsoAuthorize('order.manage', 'collection')).rejects.toThrow(/case-scoped/);
    expect(await statusOf(ctx.alsoAuthorize('order.manage', 'collection', { caseId: 'not-a-uuid' }))).toBe(400);
  });
});
