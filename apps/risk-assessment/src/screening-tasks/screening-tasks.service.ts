import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { caseHiddenSql } from '@stac/auth';
import { reassessmentReasonForCjStage, screeningDueAt, WorkingDayCalendar, type Agency, type RiskInstrument, type RiskTaskReason } from '@stac/domain';
import { CaseReferredV1, CaseStageChangedV1, IncidentRecordedV1, LicenceEndedV1, OffenderReleasedV1, OrderEndedV1, type RiskTaskView, type ScreeningTaskPart } from '@stac/contracts';
import { caseIdOf, OnEvent, type EventContext } from '@stac/messaging';
import { WriteBatch } from '@stac/persistence';
import { Clock, type CasePartRead, type LoggedRead } from '@stac/runtime';
import { RiskCaseAccess } from '../case-access/risk-case-access';
import { ScreeningTask, type TaskTrigger } from './screening-task.entity';

/** Screening target: advice to the case officer within one working day (domain.md §3, design choice). */
const SCREENING_WORKING_DAYS = 1;
/** A DASH prompted by the S-DASH gateway question is due within a working day (design choice). */
const DASH_WORKING_DAYS = 1;
/** Re-assessment targets (design choice): a breach is the fast path (domain.md §6.7). */
const REASSESSMENT_WORKING_DAYS: Partial<Record<RiskTaskReason, number>> = {
  BREACH: 1,
  NEW_INCIDENT: 3,
  // Arrest and a change of bail status (bailed, RUI, remanded) change the suspect's liberty at once.
  ARREST: 1,
  BAIL_CHANGE: 1,
  CHARGE: 3,
  ORDER_ENDING: 3,
  // Release from custody or from licence conditions changes the suspect's liberty on the day.
  RELEASE: 1,
};

export interface TriggerInput {
  caseId: string;
  reason: RiskTaskReason;
  eventId: string | null;
  incidentId?: string | null;
  /** When the work is due; later triggers can only bring an open task's due date forward. */
  dueAt: Date;
  /** Owner agencies; by default those with a current assessment of the case, else the police. */
  agencies?: Agency[];
  instrument?: RiskInstrument;
}

@Injectable()
export class ScreeningTasksService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly access: RiskCaseAccess,
    private readonly clock: Clock,
    private readonly calendar: WorkingDayCalendar,
  ) {}

  /** Every referred stalking case gets a screening task; a redelivered event opens nothing new. */
  @OnEvent(CaseReferredV1)
  async onCaseReferred(event: CaseReferredV1, ctx: EventContext): Promise<void> {
    const caseId = caseIdOf(ctx);
    const referredAt = new Date(event.referredAt);
    // The task and the case's coded context in one statement: both are new rows nothing here reads back.
    const writes = new WriteBatch(ctx.manager);
    const [taskSql, taskParams] = ctx.manager
      .createQueryBuilder()
      .insert()
      .into(ScreeningTask)
      .values({
        id: randomUUID(),
        caseId,
        victimId: event.victimId,
        status: 'OPEN',
        instrument: 'S_DASH',
        reason: 'NEW_REFERRAL',
        ownerAgency: 'police',
        triggerEventId: ctx.envelope.id,
        triggers: [],
        // The same due date as intake's screening clock (a custody trigger within its custody window).
        dueAt: screeningDueAt(this.calendar, referredAt, SCREENING_WORKING_DAYS, event.custodyStartedAt ? new Date(event.custodyStartedAt) : null),
        openedAt: this.clock.now(),
        version: 1,
      })
      .orIgnore()
      .getQueryAndParameters();
    writes.add(taskSql, taskParams);
    // The coded context later decisions need (a DASH only in a domestic context); the first referral event wins.
    writes.add(`INSERT INTO risk_case_context (case_id, domestic, recorded_at) VALUES ($1, $2, $3) ON CONFLICT (case_id) DO NOTHING`, [
      caseId,
      event.flags.includes('DOMESTIC'),
      this.clock.now(),
    ]);
    await writes.flush();
    await this.access.ensureOpened(ctx.manager, caseId, ctx.correlationId);
  }

  /**
   * The S-DASH gateway question answered yes: on a case referred with a domestic context, the full DASH
   * is due (domain.md §3 D8; the MARAC flag then follows the DASH's tick count as usual). One open DASH
   * task per case and agency, beside any re-assessment; null when the case is not domestic or one is open.
   */
  async openDashTask(m: EntityManager, t: { caseId: string; agency: Agency }): Promise<ScreeningTask | null> {
    const [ctx]: { domestic: boolean }[] = await m.query(`SELECT domestic FROM risk_case_context WHERE case_id = $1`, [t.caseId]);
    if (!ctx?.domestic) return null;
    const now = this.clock.now();
    const id = randomUUID();
    const inserted = await m
      .createQueryBuilder()
      .insert()
      .into(ScreeningTask)
      .values({
        id,
        caseId: t.caseId,
        victimId: null,
        status: 'OPEN',
        instrument: 'DASH',
        reason: 'DASH_GATEWAY',
        ownerAgency: t.agency,
        triggerEventId: null,
        incidentId: null,
        triggers: [],
        dueAt: this.calendar.addWorkingDays(now, DASH_WORKING_DAYS),
        openedAt: now,
        version: 1,
      })
      .orIgnore()
      .returning(['id'])
      .execute();
    return inserted.raw.length ? m.findOne(ScreeningTask, { where: { id } }) : null;
  }

  /** A new incident or a breach opens a re-assessment task for each agency managing the case's risk. */
  @OnEvent(IncidentRecordedV1)
  async onIncidentRecorded(event: IncidentRecordedV1, ctx: EventContext): Promise<void> {
    const caseId = caseIdOf(ctx);
    const isBreach = event.isBreach || event.behaviours.includes('BREACH');
    const reason: RiskTaskReason = isBreach ? 'BREACH' : 'NEW_INCIDENT';
    const now = this.clock.now();
    await this.access.ensureOpened(ctx.manager, caseId, ctx.correlationId);
    await this.trigger(ctx.manager, {
      caseId,
      reason,
      eventId: ctx.envelope.id,
      incidentId: event.incidentId,
      dueAt: this.calendar.addWorkingDays(now, REASSESSMENT_WORKING_DAYS[reason] ?? 1),
    });
  }

  /**
   * A criminal-justice stage change that alters the suspect's situation opens a re-assessment:
   * arrest, charge, bail status (bailed, released under investigation, remanded; a new bail return
   * date). Lifecycle (`STATUS`) moves and other stages are not triggers.
   */
  @OnEvent(CaseStageChangedV1)
  async onCaseStageChanged(event: CaseStageChangedV1, ctx: EventContext): Promise<void> {
    if (event.machine !== 'CJ_STAGE') return;
    const reason = reassessmentReasonForCjStage(event.to) ?? (event.bailReturnAt ? 'BAIL_CHANGE' : null);
    if (!reason) return;
    await this.reassess(ctx, reason);
  }

  /** An order (or its consideration) ending — not pursued, refused, discharged, expired — opens an ORDER_ENDING re-assessment. */
  @OnEvent(OrderEndedV1)
  async onOrderEnded(_event: OrderEndedV1, ctx: EventContext): Promise<void> {
    await this.reassess(ctx, 'ORDER_ENDING');
  }

  /** Probation's scheduler publishes the release on its day: a RELEASE re-assessment (domain.md §4 re-assessment triggers). */
  @OnEvent(OffenderReleasedV1)
  async onOffenderReleased(_event: OffenderReleasedV1, ctx: EventContext): Promise<void> {
    await this.reassess(ctx, 'RELEASE');
  }

  /** The end of the licence ends its conditions (exclusion zones, non-contact): the same RELEASE re-assessment. */
  @OnEvent(LicenceEndedV1)
  async onLicenceEnded(_event: LicenceEndedV1, ctx: EventContext): Promise<void> {
    await this.reassess(ctx, 'RELEASE');
  }

  private async reassess(ctx: EventContext, reason: RiskTaskReason): Promise<void> {
    const caseId = caseIdOf(ctx);
    await this.access.ensureOpened(ctx.manager, caseId, ctx.correlationId);
    await this.trigger(ctx.manager, {
      caseId,
      reason,
      eventId: ctx.envelope.id,
      dueAt: this.calendar.addWorkingDays(this.clock.now(), REASSESSMENT_WORKING_DAYS[reason] ?? 1),
    });
  }

  /**
   * Opens a re-assessment task per owner agency, or records the trigger on the task already open
   * for that case and agency (pulling its due date forward when the new trigger is more urgent).
   */
  async trigger(m: EntityManager, t: TriggerInput): Promise<ScreeningTask[]> {
    const now = this.clock.now();
    const agencies = t.agencies ?? (await this.agenciesManaging(m, t.caseId));
    const out: ScreeningTask[] = [];
    for (const agency of agencies) {
      const open = await m
        .createQueryBuilder(ScreeningTask, 't')
        .setLock('pessimistic_write')
                // A DASH task is separate work with its own instrument; triggers join the re-assessment (or the referral's screening).
        .where("t.case_id = :caseId AND t.owner_agency = :agency AND t.status = :open AND t.reason <> 'DASH_GATEWAY'", {
          caseId: t.caseId,
          agency,
          open: 'OPEN',
        })
        .orderBy('t.due_at', 'ASC')
        .getOne();
      const trigger: TaskTrigger = { reason: t.reason, eventId: t.eventId, incidentId: t.incidentId ?? null, at: now.toISOString() };
      if (open) {
        // A redelivered event (same id) is already recorded by the inbox; this guards replays outside it.
        if (open.triggerEventId && open.triggerEventId === t.eventId) continue;
        if (open.triggers.some((x) => x.eventId && x.eventId === t.eventId)) continue;
        open.triggers = [...open.triggers, trigger];
        if (t.dueAt < open.dueAt) open.dueAt = t.dueAt;
        out.push(await m.save(open));
        continue;
      }
      const task = m.create(ScreeningTask, {
        id: randomUUID(),
        caseId: t.caseId,
        victimId: null,
        status: 'OPEN',
        instrument: t.instrument ?? (agency === 'police' ? 'S_DASH' : 'PROFESSIONAL_JUDGEMENT'),
        reason: t.reason,
        ownerAgency: agency,
        triggerEventId: t.eventId,
        incidentId: t.incidentId ?? null,
        triggers: [],
        dueAt: t.dueAt,
        openedAt: now,
        completedAt: null,
        completedByAssessmentId: null,
      });
      out.push(await m.save(task));
    }
    return out;
  }

  /** The agencies whose current assessments manage the case's risk; the police when nobody has assessed yet. */
  private async agenciesManaging(m: EntityManager, caseId: string): Promise<Agency[]> {
    const rows: { owner_agency: Agency }[] = await m.query(
      `SELECT DISTINCT owner_agency FROM risk_assessment WHERE case_id = $1 AND status = 'CURRENT' ORDER BY owner_agency`,
      [caseId],
    );
    return rows.length ? rows.map((r) => r.owner_agency) : ['police'];
  }

  /**
   * An assessment becoming current completes its agency's open tasks on the case; the referral's
   * screening task needs an S-DASH (a victim-situation screening), a DASH task needs a DASH, any
   * instrument answers a re-assessment.
   */
  async completeFor(m: EntityManager, a: { id: string; caseId: string; ownerAgency: Agency; instrument: RiskInstrument; subject: string }): Promise<string[]> {
    const now = this.clock.now();
    // UPDATE ... RETURNING answers [rows, rowCount] through TypeORM's query().
    const [rows] = (await m.query(
      `UPDATE screening_task SET status = 'COMPLETED', completed_at = $4, completed_by_assessment_id = $3, version = version + 1
        WHERE case_id = $1 AND owner_agency = $2 AND status = 'OPEN'
          AND CASE reason
                WHEN 'NEW_REFERRAL' THEN $5 = 'S_DASH' AND $6 = 'VICTIM_SITUATION'
                WHEN 'DASH_GATEWAY' THEN $5 = 'DASH'
                ELSE true
              END
        RETURNING id`,
      [a.caseId, a.ownerAgency, a.id, now, a.instrument, a.subject],
    )) as [{ id: string }[], number];
    return rows.map((r) => r.id);
  }

  async openTask(m: EntityManager, caseId: string, taskId: string, agency: Agency): Promise<ScreeningTask | null> {
    return m.findOne(ScreeningTask, { where: { id: taskId, caseId, ownerAgency: agency, status: 'OPEN' } });
  }

  async forCase(caseId: string): Promise<RiskTaskView[]> {
    const tasks = await this.dataSource.manager.find(ScreeningTask, { where: { caseId }, order: { openedAt: 'ASC' } });
    return tasks.map(toTaskView);
  }

  /**
   * The agency's open tasks, due first then by id (a stable order for keyset paging): `limit + 1` rows
   * after `after` (the last row of the previous page), never of a case `excludedFor` is excluded from (AC-07).
   */
  async openForAgency(
    agency: Agency,
    o: { limit: number; after?: { dueAt: Date; id: string } | null; excludedFor?: { issuer: string; subject: string } },
  ): Promise<ScreeningTask[]> {
    const q = this.dataSource.manager
      .createQueryBuilder(ScreeningTask, 't')
      .where('t.owner_agency = :agency AND t.status = :open', { agency, open: 'OPEN' })
      .orderBy('t.due_at', 'ASC')
      .addOrderBy('t.id', 'ASC')
      .limit(o.limit + 1);
    if (o.after) q.andWhere('(t.due_at, t.id) > (:afterDue::timestamptz, :afterId::uuid)', { afterDue: o.after.dueAt, afterId: o.after.id });
    if (o.excludedFor) {
      // Hidden from the reader: excluded (AC-07), or restricted and the reader not named (AC-15).
      q.andWhere(`NOT ${caseHiddenSql('t.case_id', ':xSubject', ':xIssuer')}`, { xSubject: o.excludedFor.subject, xIssuer: o.excludedFor.issuer });
    }
    return q.getMany();
  }

  /** The screening task's part of the case view, as the CasePartReader reads and logs it. */
  readonly partRead: CasePartRead<ScreeningTaskPart> = {
    recordType: 'screening-task',
    load: (caseId, _granted, logged) => this.casePart(caseId, logged),
  };

  /** The referral's screening task for the unified case view (the earliest task of the case). */
  async casePart(caseId: string, read: LoggedRead = (sql, params) => this.dataSource.query(sql, params)): Promise<ScreeningTaskPart | null> {
    // The case's first task (its screening), in one statement (with the access-log row, through the case-part reader).
    const [t] = await read<Pick<ScreeningTaskPart, 'taskId' | 'status' | 'instrument' | 'reason'> & { due_at: Date; opened_at: Date }>(
      `SELECT id AS "taskId", status, instrument, reason, due_at, opened_at FROM screening_task WHERE case_id = $1 ORDER BY opened_at, id LIMIT 1`,
      [caseId],
    );
    return t
      ? {
          taskId: t.taskId,
          status: t.status,
          instrument: t.instrument,
          reason: t.reason,
          dueAt: t.due_at.toISOString(),
          openedAt: t.opened_at.toISOString(),
        }
      : null;
  }
}

export function toTaskView(t: ScreeningTask): RiskTaskView {
  return {
    taskId: t.id,
    caseId: t.caseId,
    status: t.status,
    instrument: t.instrument,
    reason: t.reason,
    ownerAgency: t.ownerAgency,
    dueAt: t.dueAt.toISOString(),
    openedAt: t.openedAt.toISOString(),
    triggers: t.triggers ?? [],
    completedAt: t.completedAt?.toISOString() ?? null,
    completedByAssessmentId: t.completedByAssessmentId,
  };
}
