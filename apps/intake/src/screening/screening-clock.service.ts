import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { In, IsNull, type EntityManager } from 'typeorm';
import { CaseReferredV1, type ScreeningClockView } from '@stac/contracts';
import { screeningDueAt, WorkingDayCalendar } from '@stac/domain';
import { caseIdOf, OnEvent, type EventContext } from '@stac/messaging';
import { Clock } from '@stac/runtime';
import { ScreeningClock } from './screening-clock.entity';

/** The screening target (design choice: advice within 1 working day), configurable per deployment. */
export const SCREENING_TARGET = Symbol('SCREENING_TARGET');
export interface ScreeningTarget {
  workingDays: number;
}

/** `SCREENING_TARGET_WORKING_DAYS` (1-10, default 1; declared and validated at start in @stac/config). */
export function screeningTargetFromEnv(env: NodeJS.ProcessEnv = process.env): ScreeningTarget {
  const raw = env.SCREENING_TARGET_WORKING_DAYS;
  if (raw === undefined || raw === '') return { workingDays: 1 };
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 10) throw new Error('config: SCREENING_TARGET_WORKING_DAYS must be an integer 1-10');
  return { workingDays: n };
}

export function clockView(c: ScreeningClock, now: Date): ScreeningClockView {
  return {
    startedAt: c.startedAt.toISOString(),
    dueAt: c.dueAt.toISOString(),
    stoppedAt: c.stoppedAt?.toISOString() ?? null,
    targetWorkingDays: c.targetWorkingDays,
    overdue: !c.stoppedAt && c.dueAt.getTime() < now.getTime(),
    metTarget: c.stoppedAt ? c.stoppedAt.getTime() <= c.dueAt.getTime() : null,
  };
}

/**
 * Screening clocks (domain.md §3 step 3, §6.3): one per screening round, due `target` working days
 * (England and Wales bank holidays respected) after the referral or re-opening; stopped when advice is
 * issued. Starting is idempotent per (case, round), so the referral event and a screener racing it
 * agree on one clock.
 */
@Injectable()
export class ScreeningClocks {
  constructor(
    private readonly clock: Clock,
    @Inject(SCREENING_TARGET) private readonly target: ScreeningTarget,
    private readonly calendar: WorkingDayCalendar,
  ) {}

  /** Due `target` working days after the start; a custody trigger's first round within its custody window. */
  dueFrom(startedAt: Date, custodyStartedAt?: Date | null): Date {
    return screeningDueAt(this.calendar, startedAt, this.target.workingDays, custodyStartedAt);
  }

  /** The clock round 1 will have once the referral event starts it (not stored). */
  pending(caseId: string, referredAt: Date, custodyStartedAt?: Date | null): ScreeningClock {
    return Object.assign(new ScreeningClock(), {
      id: caseId,
      caseId,
      round: 1,
      startedAt: referredAt,
      dueAt: this.dueFrom(referredAt, custodyStartedAt),
      targetWorkingDays: this.target.workingDays,
      stoppedAt: null,
    });
  }

  /** The clock of the first round starts at the referral. */
  @OnEvent(CaseReferredV1)
  async onCaseReferred(event: CaseReferredV1, ctx: EventContext): Promise<void> {
    await this.start(ctx.manager, caseIdOf(ctx), 1, new Date(event.referredAt));
  }

  async start(m: EntityManager, caseId: string, round: number, startedAt: Date): Promise<void> {
    // The custody window binds the referral's round only: the suspect is charged, bailed or released by a re-opening.
    let custodyStartedAt: Date | null = null;
    if (round === 1) {
      const [c]: { custody_started_at: Date | null }[] = await m.query('SELECT custody_started_at FROM stalking_case WHERE id = $1', [caseId]);
      custodyStartedAt = c?.custody_started_at ?? null;
    }
    await m
      .createQueryBuilder()
      .insert()
      .into(ScreeningClock)
      .values({
        id: randomUUID(),
        caseId,
        round,
        startedAt,
        dueAt: this.dueFrom(startedAt, custodyStartedAt),
        targetWorkingDays: this.target.workingDays,
        stoppedAt: null,
      })
      .orIgnore()
      .execute();
  }

  /** The latest round's clock; starts round 1 from the referral time when the referral event has not arrived yet. */
  async current(m: EntityManager, caseId: string, referredAt: Date): Promise<ScreeningClock> {
    const latest = await m.findOne(ScreeningClock, { where: { caseId }, order: { round: 'DESC' } });
    if (latest) return latest;
    await this.start(m, caseId, 1, referredAt);
    return (await m.findOne(ScreeningClock, { where: { caseId }, order: { round: 'DESC' } }))!;
  }

  /** A re-opened case is screened again: a new round, a new clock from now. */
  async restart(m: EntityManager, caseId: string, at: Date): Promise<void> {
    const [row] = await m.query('SELECT coalesce(max(round), 0) AS round FROM screening_clock WHERE case_id = $1', [caseId]);
    await this.start(m, caseId, Number(row.round) + 1, at);
  }

  /** Stops the running clock; answers whether the target was met (null when none was running). */
  async stop(m: EntityManager, caseId: string, at: Date): Promise<boolean | null> {
    const running = await m.find(ScreeningClock, { where: { caseId, stoppedAt: IsNull() }, lock: { mode: 'pessimistic_write' } });
    if (running.length === 0) return null;
    await m.update(ScreeningClock, { id: In(running.map((c) => c.id)) }, { stoppedAt: at });
    return running.every((c) => c.dueAt.getTime() >= at.getTime());
  }

  now(): Date {
    return this.clock.now();
  }
}
