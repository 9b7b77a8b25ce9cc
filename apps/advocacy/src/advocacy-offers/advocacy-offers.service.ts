import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CaseReferredV1, RiskLevelChangedV1, type AdvocacyOfferPart } from '@stac/contracts';
import { ADVOCACY_PRIORITY_FOR_LEVEL, type RiskLevel } from '@stac/domain';
import { CaseAccessGrants, systemPrincipal } from '@stac/auth';
import { caseIdOf, OnEvent, type EventContext } from '@stac/messaging';
import { Clock, type LoggedRead } from '@stac/runtime';
import { SafetyPlansService } from '../safety-plans/safety-plans.service';
import { consentInForce, updatedRows, type OfferRow } from '../victim-support/victim-support-record';
import { VictimSupportService } from '../victim-support/victim-support.service';

const RANK: Record<RiskLevel, number> = { STANDARD: 0, MEDIUM: 1, HIGH: 2 };

@Injectable()
export class AdvocacyOffersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly grants: CaseAccessGrants,
    private readonly support: VictimSupportService,
    private readonly plans: SafetyPlansService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /**
   * A victim referred to advocacy is offered an advocate; a redelivered event opens nothing new. What intake
   * recorded at referral starts the consent history: consent (to be told of the police, the referrer) or a
   * lawful override (decided and recorded in intake, AC-05).
   */
  @OnEvent(CaseReferredV1)
  async onCaseReferred(event: CaseReferredV1, ctx: EventContext): Promise<void> {
    // Only a victim who consented, or was referred on a recorded lawful basis, is offered an advocate (AC-05).
    if (!event.advocacyReferralBasis) return;
    const now = this.clock.now();
    // The new offer as stored (this transaction's own row, so no other can change it before the commit).
    const [offer]: OfferRow[] = await ctx.manager.query(
      `INSERT INTO advocacy_offer (id, case_id, victim_id, status, opened_at, version) VALUES ($1, $2, $3, 'PENDING', $4, 1)
       ON CONFLICT DO NOTHING RETURNING *`,
      [randomUUID(), caseIdOf(ctx), event.victimId, now],
    );
    // Nothing inserted: another event already opened this record and its access.
    if (!offer) return;
    await this.grants.open(ctx.manager, {
      caseId: caseIdOf(ctx),
      owner: 'advocacy',
      shares: [{ agency: 'police', agreementCode: 'advocacy-to-police' }],
      actor: systemPrincipal('advocacy', 'advocacy'),
      correlationId: ctx.correlationId,
    });
    const headers = { correlationId: ctx.correlationId, causationId: ctx.causationId, traceparent: ctx.traceparent };
    await this.support.appendConsent(
      ctx.manager,
      offer,
      event.advocacyReferralBasis === 'CONSENT'
        ? { change: 'GIVEN', scope: ['police'], decidedBy: 'police:referral', engages: false }
        : { change: 'LAWFUL_OVERRIDE', scope: ['police'], decidedBy: 'police:referral' },
      headers,
      now,
    );
  }

  /**
   * The case's shared risk level sets how urgently the offer is worked, and a rise puts the safety plan up
   * for review. Kept per case even before (or without) an offer; a late, older change never overwrites a newer one.
   */
  @OnEvent(RiskLevelChangedV1)
  async onRiskLevelChanged(event: RiskLevelChangedV1, ctx: EventContext): Promise<void> {
    const applied = updatedRows<{ case_id: string }>(
      await ctx.manager.query(
        `INSERT INTO case_risk_level (case_id, level, changed_at) VALUES ($1, $2, $3)
         ON CONFLICT (case_id) DO UPDATE SET level = excluded.level, changed_at = excluded.changed_at
         WHERE case_risk_level.changed_at < excluded.changed_at
         RETURNING case_id`,
        [caseIdOf(ctx), event.level, new Date(event.changedAt)],
      ),
    );
    const rose = event.previousLevel ? RANK[event.level] > RANK[event.previousLevel] : event.level !== 'STANDARD';
    if (applied.length && rose) {
      await this.plans.reviewDue(ctx.manager, caseIdOf(ctx), 'RISK_INCREASED', this.clock.now(), {
        correlationId: ctx.correlationId,
        causationId: ctx.causationId,
        traceparent: ctx.traceparent,
      });
    }
  }

  /**
   * The advocacy part of the unified case view. The charity sees its whole head record; another agency (the
   * police, under advocacy-to-police) sees the consent state, and allocation and plan status only while the
   * victim's consent (or a lawful override) covers telling it. Never notes, needs or contact preferences.
   */
  async casePart(
    caseId: string,
    reader: { owning: boolean; agency?: string } = { owning: true },
    read: LoggedRead = (sql, params) => this.dataSource.query(sql, params),
  ): Promise<AdvocacyOfferPart | null> {
    // One round trip: the offer with the case's risk level and its latest safety plan (and, read through
    // the case-part reader, the access-log row).
    const [row] = await read<OfferRow & { level: RiskLevel | null; plan_status: string | null; plan_review_due_at: Date | null }>(
      `SELECT o.*, r.level, p.status AS plan_status, p.review_due_at AS plan_review_due_at
         FROM advocacy_offer o
         LEFT JOIN case_risk_level r ON r.case_id = o.case_id
         LEFT JOIN LATERAL (SELECT status, review_due_at FROM safety_plan s WHERE s.case_id = o.case_id ORDER BY (s.status = 'CLOSED'), s.latest_version DESC LIMIT 1) p ON true
        WHERE o.case_id = $1`,
      [caseId],
    );
    if (!row) return null;
    const priority = row.level ? ADVOCACY_PRIORITY_FOR_LEVEL[row.level] : null;
    const base: AdvocacyOfferPart = { offerId: row.id, status: row.status, openedAt: row.opened_at.toISOString(), priority, consentState: row.consent_state };
    const covered = reader.owning || (consentInForce(row.consent_state) && (row.consent_scope as string[]).includes(reader.agency ?? ''));
    if (!covered) return base;
    return {
      ...base,
      allocation: { allocated: row.advocate !== null, allocatedAt: row.allocated_at?.toISOString() ?? null, ...(reader.owning ? { advocate: row.advocate } : {}) },
      safetyPlan: row.plan_status ? { status: row.plan_status, reviewDueAt: row.plan_review_due_at?.toISOString() ?? null } : null,
    };
  }
}
