import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CaseAccessGrants, systemPrincipal } from '@stac/auth';
import { RISK_SUMMARY_AGREEMENTS } from '../migrations/1795743200000-risk-summary-agreements';

const ACTOR = systemPrincipal('risk-assessment', 'police');

/**
 * Opens access to a case's risk records the way the workflow does (AC-02): the police team owns
 * them (with its `risk.rationale` field group), and the risk summary is shared with advocacy,
 * mental health and probation under the police's risk-summary agreements.
 */
@Injectable()
export class RiskCaseAccess {
  constructor(private readonly grants: CaseAccessGrants) {}

  /** Idempotent: a case this service already opened is left as it is. */
  async ensureOpened(m: EntityManager, caseId: string, correlationId: string): Promise<void> {
    // Serialise per case so two first events for one case cannot both open it; the open itself finds
    // (in its one statement) whether this service opened the case already.
    await m.query(`SELECT pg_advisory_xact_lock(hashtext('risk-case-access:' || $1::text))`, [caseId]);
    await this.grants.open(m, {
      caseId,
      owner: 'police',
      // Risk records carry one restricted group: rationale and formulation (AC-03).
      ownerFieldGroups: ['risk.rationale'],
      shares: RISK_SUMMARY_AGREEMENTS.map((a) => ({ agency: a.to, agreementCode: a.code })),
      unlessOpened: true,
      actor: ACTOR,
      correlationId,
    });
  }
}
