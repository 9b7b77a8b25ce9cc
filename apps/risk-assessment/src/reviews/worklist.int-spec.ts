import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AccessLog, CaseAccessGrants, CaseRelationships } from '@stac/auth';
import { ENGLAND_AND_WALES } from '@stac/domain';
import { Outbox } from '@stac/messaging';
import { createLogger } from '@stac/observability';
import { runMigrations, serviceDataSourceOptions } from '@stac/persistence';
import { allMigrations, FixedClock } from '@stac/runtime';
import { createTestDatabase, problemOf, type TestDatabase } from '@stac/testing';
import { RiskCaseAccess } from '../case-access/risk-case-access';
import { RISK_ASSESSMENT } from '../risk-assessment.module';
import { ScreeningTasksService } from '../screening-tasks/screening-tasks.service';
import { ReviewSchedule } from './review-schedule';

jest.setTimeout(60_000);

let db: TestDatabase;
let ds: DataSource;
let tasks: ScreeningTasksService;
let schedule: ReviewSchedule;
const clock = new FixedClock(new Date('2026-12-14T09:00:00Z'));
const relationships = new CaseRelationships();
const officer = { issuer: 'urn:test', subject: 'po-1' };

/** A current probation assessment whose review fell due at `due`. */
async function overdueAssessment(due: string): Promise<string> {
  const id = randomUUID();
  await ds.query(
    `INSERT INTO risk_assessment (id, case_id, subject, instrument, instrument_version, status, level, owner_agency, assessor_issuer, assessor_subject, assessor_role, created_at, version, next_review_due)
     VALUES ($1, $2, 'PERSON_OF_CONCERN', 'PROFESSIONAL_JUDGEMENT', 1, 'CURRENT', 'HIGH', 'probation', 'urn:test', 'po-2', 'probation-officer', $3, 1, $4)`,
    [id, randomUUID(), clock.now(), due],
  );
  return id;
}

async function openTask(due: string, agency: 'probation' | 'police' = 'probation', caseId = randomUUID()): Promise<string> {
  const [t] = await ds.transaction((m) => tasks.trigger(m, { caseId, reason: 'REVIEW_DUE', eventId: null, dueAt: new Date(due), agencies: [agency] }));
  return t.id;
}

/** Every page of one list, following its own cursor. */
async function pageAll(list: 'overdueReviews' | 'openTasks', limit: number, principal = officer): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | undefined;
  do {
    const page = await schedule.worklist('probation', { principal, limit, cursor });
    if (cursor) expect(page[list === 'openTasks' ? 'overdueReviews' : 'openTasks']).toEqual([]);
    pages.push(list === 'openTasks' ? page.openTasks.map((t) => t.taskId) : page.overdueReviews.map((r) => r.assessmentId));
    cursor = page.next[list] ?? undefined;
  } while (cursor && pages.length < 50);
  return pages;
}

beforeAll(async () => {
  db = await createTestDatabase('risk-worklist');
  await runMigrations(serviceDataSourceOptions({ url: db.url, entities: RISK_ASSESSMENT.entities, migrations: allMigrations(RISK_ASSESSMENT), applicationName: 'int' }));
  ds = new DataSource(serviceDataSourceOptions({ url: db.url, entities: RISK_ASSESSMENT.entities, migrations: [], applicationName: 'int' }));
  await ds.initialize();
  const access = new RiskCaseAccess(new CaseAccessGrants(relationships, new AccessLog()));
  tasks = new ScreeningTasksService(ds, access, clock, ENGLAND_AND_WALES);
  schedule = new ReviewSchedule(ds, new Outbox('risk-assessment'), tasks, clock, createLogger('risk-assessment', 'silent'), 0);
});
afterAll(async () => {
  await ds?.destroy();
  await db?.drop();
});

describe("the risk worklist pages each list by cursor (the caller's agency's work)", () => {
  it('open tasks: due first, ties by id, pages of 2 add up to the whole list; another agency’s and an excluded case’s tasks never appear', async () => {
    const ours = [
      await openTask('2026-12-15T17:00:00Z'),
      await openTask('2026-12-15T17:00:00Z'),
      await openTask('2026-12-15T17:00:00Z'),
      await openTask('2026-12-11T17:00:00Z'),
      await openTask('2026-12-18T17:00:00Z'),
    ];
    await openTask('2026-12-12T17:00:00Z', 'police');
    const excludedCase = randomUUID();
    const hidden = await openTask('2026-12-13T17:00:00Z', 'probation', excludedCase);
    await relationships.exclude(ds, excludedCase, officer, 'test');

    const whole = await schedule.worklist('probation', { principal: officer, limit: 200 });
    expect(whole.next).toEqual({ overdueReviews: null, openTasks: null });
    const wholeIds = whole.openTasks.map((t) => t.taskId);
    expect([...wholeIds].sort()).toEqual([...ours].sort());
    const rows = await ds.query(`SELECT id FROM screening_task WHERE id = ANY($1) ORDER BY due_at, id`, [ours]);
    expect(wholeIds).toEqual(rows.map((r: { id: string }) => r.id));
    const pages = await pageAll('openTasks', 2);
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    expect(pages.flat()).toEqual(wholeIds);
    // Another user of the agency, not excluded, sees the excluded case's task (AC-07 binds the excluded user only).
    expect((await schedule.worklist('probation', { principal: { issuer: 'urn:test', subject: 'po-3' }, limit: 200 })).openTasks.map((t) => t.taskId)).toContain(hidden);
  });

  it('overdue reviews: longest overdue first, ties by id, one per page to the end', async () => {
    const ids = [
      await overdueAssessment('2026-12-10T09:00:00Z'),
      await overdueAssessment('2026-12-10T09:00:00Z'),
      await overdueAssessment('2026-12-01T09:00:00Z'),
    ];
    await overdueAssessment('2026-12-20T09:00:00Z'); // not yet due
    const pages = await pageAll('overdueReviews', 1);
    expect(pages.every((p) => p.length === 1)).toBe(true);
    expect(pages.flat()).toEqual([ids[2], ...[ids[0], ids[1]].sort()]);
    const whole = await schedule.worklist('probation', { principal: officer, limit: 200 });
    expect(whole.overdueReviews[0]).toMatchObject({ assessmentId: ids[2], daysOverdue: 13 });
  });

  it("API-02: a cursor of another list or service, or a damaged one, is 400 naming cursor", async () => {
    const first = await schedule.worklist('probation', { principal: officer, limit: 1 });
    const refused = { status: 400, errors: [{ field: 'cursor', message: expect.any(String) }] };
    expect(await problemOf(schedule.worklist('probation', { principal: officer, cursor: first.next.openTasks!.slice(1) }))).toMatchObject(refused);
    const intakeCursor = Buffer.from(`intake.screening.untriaged|2026-12-01T09:00:00.000Z|${randomUUID()}`).toString('base64url');
    expect(await problemOf(schedule.worklist('probation', { principal: officer, cursor: intakeCursor }))).toMatchObject(refused);
  });
});
