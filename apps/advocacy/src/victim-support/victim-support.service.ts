import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  AdvocacyDeclinedV1,
  AdvocacyEngagedV1,
  VictimConsentChangedV1,
  type AdvocacyRecordView,
  type AllocationCommand,
  type CaseloadsView,
  type ConsentCommand,
  type ConsentOverrideCommand,
  type EnhancedRightsCommand,
} from '@stac/contracts';
import {
  CONSENT_CHANGES_FROM,
  CONSENT_STATE_AFTER,
  type ConsentChange,
  type ConsentScopeAgency,
  type DeclineReason,
  type LawfulOverrideBasis,
} from '@stac/domain';
import { Outbox, type EventHeaders } from '@stac/messaging';
import { Clock, rpcProblem, type RequestContext } from '@stac/runtime';
import { CharityCipher } from '../charity-data/charity-cipher';
import { assertVersion, headersOf, lockOffer, recordView, updatedRows, type OfferRow } from './victim-support-record';

export interface ConsentEntry {
  change: ConsentChange;
  scope: ConsentScopeAgency[];
  declineReason?: DeclineReason;
  legalBasis?: LawfulOverrideBasis;
  justification?: string;
  decidedBy: string;
  /** False for the consent intake recorded at referral: the victim engages when the charity's offer is accepted. */
  engages?: boolean;
}

function invalid(field: string, message: string) {
  return rpcProblem(400, 'validation-failed', 'The request is not valid', { errors: [{ field, message }] });
}

/**
 * The victim support record's head (domain.md §3 step 6, §6.6): consent to advocacy as a history of
 * changes — given with a scope, narrowed, withdrawn, re-engaged, declined with a coded reason, lawful
 * sharing without consent with its basis and who decided (AC-05) — enhanced rights, and allocation to an ISAC.
 */
@Injectable()
export class VictimSupportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    @Inject(Clock) private readonly clock: Clock,
    private readonly cipher: CharityCipher,
  ) {}

  /** Appends one consent change, moves the offer, and announces it (consent-changed; engaged / declined). */
  async appendConsent(m: EntityManager, o: OfferRow, e: ConsentEntry, headers: EventHeaders, now: Date): Promise<void> {
    const state = CONSENT_STATE_AFTER[e.change];
    const sequence = o.consent_sequence + 1;
    const id = randomUUID();
    const status =
      (e.change === 'GIVEN' || e.change === 'RE_ENGAGED') && e.engages !== false ? 'ENGAGED' : e.change === 'WITHDRAWN' ? 'WITHDRAWN' : e.change === 'DECLINED' ? 'DECLINED' : o.status;
    await m.query(
      `INSERT INTO consent_record (id, case_id, offer_id, sequence, change, state, scope, decline_reason, legal_basis, justification_enc, decided_by, recorded_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        id,
        o.case_id,
        o.id,
        sequence,
        e.change,
        state,
        e.scope,
        e.declineReason ?? null,
        e.legalBasis ?? null,
        e.justification ? this.cipher.seal(e.justification, id, 'justification_enc') : null,
        e.decidedBy,
        now,
      ],
    );
    const [updated] = updatedRows<{ version: number }>(
      await m.query(
        `UPDATE advocacy_offer SET consent_state = $2, consent_scope = $3, consent_sequence = $4, status = $5, version = version + 1
          WHERE id = $1 RETURNING version`,
        [o.id, state, e.scope, sequence, status],
      ),
    );
    const at = now.toISOString();
    await this.outbox.enqueue(
      m,
      VictimConsentChangedV1,
      {
        caseId: o.case_id,
        aggregateVersion: updated.version,
        additionalInformation: { offerId: o.id, change: e.change, state, scope: e.scope, ...(e.legalBasis ? { legalBasis: e.legalBasis } : {}), sequence, changedAt: at },
      },
      headers,
    );
    if (status === 'ENGAGED' && o.status !== 'ENGAGED') {
      await this.outbox.enqueue(m, AdvocacyEngagedV1, { caseId: o.case_id, aggregateVersion: updated.version, additionalInformation: { offerId: o.id, engagedAt: at, reEngaged: e.change === 'RE_ENGAGED' } }, headers);
    }
    if (e.change === 'DECLINED') {
      await this.outbox.enqueue(m, AdvocacyDeclinedV1, { caseId: o.case_id, aggregateVersion: updated.version, additionalInformation: { offerId: o.id, reason: e.declineReason!, declinedAt: at } }, headers);
    }
  }

  recordViewFor(caseId: string): Promise<AdvocacyRecordView> {
    return recordView(this.dataSource.manager, caseId);
  }

  recordConsent(cmd: ConsentCommand, ctx: RequestContext): Promise<AdvocacyRecordView> {
    return this.dataSource.transaction(async (m) => {
      const now = this.clock.now();
      const o = await lockOffer(m, cmd.caseId);
      assertVersion('advocacy record', o.version, cmd.expectedVersion);
      const from = o.consent_state ?? 'NONE';
      if (!CONSENT_CHANGES_FROM[from].includes(cmd.change)) {
        throw rpcProblem(409, 'illegal-consent-change', `Consent cannot be ${cmd.change} when it is ${from}`);
      }
      let scope: ConsentScopeAgency[] = [];
      if (cmd.change === 'GIVEN' || cmd.change === 'RE_ENGAGED' || cmd.change === 'NARROWED') {
        if (!cmd.scope) throw invalid('scope', `scope is required when consent is ${cmd.change}: which agencies may be told`);
        scope = cmd.scope;
        if (cmd.change === 'NARROWED' && (scope.some((a) => !o.consent_scope.includes(a)) || scope.length >= o.consent_scope.length)) {
          throw rpcProblem(422, 'not-narrower', 'A narrowed consent must drop agencies from the current scope and add none');
        }
      } else if (cmd.scope) {
        throw invalid('scope', `scope is not taken when consent is ${cmd.change}`);
      }
      if (cmd.change === 'DECLINED' && !cmd.declineReason) throw invalid('declineReason', 'declineReason is required when the victim declines');
      if (cmd.change !== 'DECLINED' && cmd.declineReason) throw invalid('declineReason', 'declineReason is only for DECLINED');
      await this.appendConsent(m, o, { change: cmd.change, scope, declineReason: cmd.declineReason, decidedBy: ctx.principal.subject }, headersOf(ctx), now);
      await ctx.audit(m, { recordIds: [o.case_id, o.id] });
      return recordView(m, o.case_id);
    });
  }

  overrideConsent(cmd: ConsentOverrideCommand, ctx: RequestContext): Promise<AdvocacyRecordView> {
    return this.dataSource.transaction(async (m) => {
      const now = this.clock.now();
      const o = await lockOffer(m, cmd.caseId);
      assertVersion('advocacy record', o.version, cmd.expectedVersion);
      const from = o.consent_state ?? 'NONE';
      if (!CONSENT_CHANGES_FROM[from].includes('LAWFUL_OVERRIDE')) {
        throw rpcProblem(409, 'illegal-consent-change', `Sharing without consent cannot be recorded when consent is ${from}`);
      }
      // Sharing without consent is for safeguarding with the police, who hold the case.
      await this.appendConsent(
        m,
        o,
        { change: 'LAWFUL_OVERRIDE', scope: ['police'], legalBasis: cmd.legalBasis, justification: cmd.justification, decidedBy: ctx.principal.subject },
        headersOf(ctx),
        now,
      );
      await ctx.audit(m, { recordIds: [o.case_id, o.id], legalBasis: cmd.legalBasis, justification: 'lawful sharing without consent' });
      return recordView(m, o.case_id);
    });
  }

  setEnhancedRights(cmd: EnhancedRightsCommand, ctx: RequestContext): Promise<AdvocacyRecordView> {
    return this.dataSource.transaction(async (m) => {
      const o = await lockOffer(m, cmd.caseId);
      assertVersion('advocacy record', o.version, cmd.expectedVersion);
      await m.query(`UPDATE advocacy_offer SET enhanced_rights = $2, version = version + 1 WHERE id = $1`, [o.id, cmd.enhancedRights]);
      await ctx.audit(m, { recordIds: [o.case_id, o.id] });
      return recordView(m, o.case_id);
    });
  }

  /** Allocation by a lead; a re-allocation carries its reason and moves the case's open update obligations to the new advocate. */
  allocate(cmd: AllocationCommand, ctx: RequestContext): Promise<AdvocacyRecordView> {
    return this.dataSource.transaction(async (m) => {
      const now = this.clock.now();
      const o = await lockOffer(m, cmd.caseId);
      assertVersion('advocacy record', o.version, cmd.expectedVersion);
      if (o.status === 'DECLINED' || o.status === 'WITHDRAWN') throw rpcProblem(409, 'not-engaged', `A case whose victim has ${o.status.toLowerCase()} advocacy cannot be allocated`);
      if (o.advocate === cmd.advocate) throw rpcProblem(409, 'already-allocated', 'The case is already allocated to this advocate');
      if (!o.advocate && cmd.reason !== 'INITIAL') throw invalid('reason', 'The first allocation has reason INITIAL');
      if (o.advocate && cmd.reason === 'INITIAL') throw invalid('reason', 'A re-allocation needs its reason (not INITIAL)');
      await m.query(
        `INSERT INTO allocation_record (id, case_id, offer_id, advocate, reason, allocated_by, allocated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [randomUUID(), o.case_id, o.id, cmd.advocate, cmd.reason, ctx.principal.subject, now],
      );
      await m.query(`UPDATE advocacy_offer SET advocate = $2, lead = $3, allocated_at = $4, version = version + 1 WHERE id = $1`, [o.id, cmd.advocate, ctx.principal.subject, now]);
      await m.query(`UPDATE victim_update_obligation SET owner_person = $2, version = version + 1 WHERE case_id = $1 AND status = 'OPEN' AND owner_agency = 'advocacy'`, [o.case_id, cmd.advocate]);
      await ctx.audit(m, { recordIds: [o.case_id, o.id] });
      return recordView(m, o.case_id);
    });
  }

  async caseloads(): Promise<CaseloadsView> {
    const load = (column: 'advocate' | 'lead') =>
      this.dataSource.query(
        `SELECT o.${column} AS subject, count(*)::int AS "openCases", count(*) FILTER (WHERE r.level = 'HIGH')::int AS urgent
           FROM advocacy_offer o LEFT JOIN case_risk_level r ON r.case_id = o.case_id
          WHERE o.${column} IS NOT NULL AND o.status IN ('PENDING', 'ENGAGED')
          GROUP BY o.${column} ORDER BY 2 DESC, 1`,
      );
    const [advocates, leads, [{ n }]] = await Promise.all([
      load('advocate'),
      load('lead'),
      this.dataSource.query(`SELECT count(*)::int AS n FROM advocacy_offer WHERE advocate IS NULL AND status IN ('PENDING', 'ENGAGED')`),
    ]);
    return { advocates, leads, unallocated: n };
  }
}
