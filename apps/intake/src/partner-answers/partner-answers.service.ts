import { Injectable } from '@nestjs/common';
import { DataSource, In, type EntityManager } from 'typeorm';
import { MhCheckAnsweredV1, PersonCheckRequestedV1, ProbationCheckAnsweredV1, type PartnerCheckSummary, type PersonCheckTrigger } from '@stac/contracts';
import type { Agency } from '@stac/domain';
import { caseIdOf, OnEvent, Outbox, type EventContext, type EventHeaders } from '@stac/messaging';
import { PartnerCheckAnswer } from './partner-check-answer.entity';

const AGENCY_WORDS: Partial<Record<Agency, string>> = { 'mental-health': 'mental-health services', probation: 'probation' };

export function checkSummary(a: Pick<PartnerCheckAnswer, 'agency' | 'checkId' | 'personId' | 'answer' | 'contactRouteAvailable' | 'answeredAt'>): PartnerCheckSummary {
  return {
    agency: a.agency,
    checkId: a.checkId,
    personId: a.personId,
    answer: a.answer,
    contactRouteAvailable: a.contactRouteAvailable,
    answeredAt: a.answeredAt.toISOString(),
    summary: `known to ${AGENCY_WORDS[a.agency] ?? a.agency}: ${a.answer}${a.contactRouteAvailable ? ', contact route available' : ''}`,
  };
}

/**
 * Partner agencies' known-to-services answers on the multi-agency record (domain.md §3 H2): kept from their
 * thin `check-answered` events so the case view and the screeners' worklist show them; and the request
 * that partners check a person of concern named after the referral.
 */
@Injectable()
export class PartnerAnswersService {
  constructor(private readonly dataSource: DataSource) {}

  /** A redelivered or replayed answer changes nothing (one row per check). */
  @OnEvent(MhCheckAnsweredV1)
  async onMentalHealthCheckAnswered(event: MhCheckAnsweredV1, ctx: EventContext): Promise<void> {
    await this.record(ctx, 'mental-health', event);
  }

  @OnEvent(ProbationCheckAnsweredV1)
  async onProbationCheckAnswered(event: ProbationCheckAnsweredV1, ctx: EventContext): Promise<void> {
    await this.record(ctx, 'probation', event);
  }

  private async record(ctx: EventContext, agency: Agency, e: { checkId: string; personId: string; answer: string; contactRouteAvailable: boolean; answeredAt: string }) {
    await ctx.manager.query(
      `INSERT INTO partner_check_answer (check_id, case_id, agency, person_id, answer, contact_route_available, answered_at, source_event_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (check_id) DO NOTHING`,
      [e.checkId, caseIdOf(ctx), agency, e.personId, e.answer, e.contactRouteAvailable, new Date(e.answeredAt), ctx.envelope.id],
    );
  }

  /** The answers of these cases, by case, newest first. */
  async forCases(caseIds: string[], m: EntityManager = this.dataSource.manager): Promise<Map<string, PartnerCheckSummary[]>> {
    const out = new Map<string, PartnerCheckSummary[]>();
    if (!caseIds.length) return out;
    const rows = await m.find(PartnerCheckAnswer, { where: { caseId: In(caseIds) }, order: { answeredAt: 'DESC' } });
    for (const r of rows) out.set(r.caseId, [...(out.get(r.caseId) ?? []), checkSummary(r)]);
    return out;
  }
}

/**
 * Asks the partner agencies to check a person of concern named on an existing case (added, a role changed
 * to person of concern, or identified after being recorded unknown), in the transaction that named them.
 */
export async function requestPartnerChecks(
  outbox: Outbox,
  m: EntityManager,
  o: { caseId: string; personId: string; at: Date; trigger: PersonCheckTrigger; headers: EventHeaders },
): Promise<void> {
  await outbox.enqueue(
    m,
    PersonCheckRequestedV1,
    {
      caseId: o.caseId,
      aggregateVersion: 0,
      additionalInformation: { personId: o.personId, role: 'PERSON_OF_CONCERN', requestedAt: o.at.toISOString(), trigger: o.trigger },
    },
    o.headers,
  );
}
