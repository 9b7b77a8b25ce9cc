import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AccessLog, CaseAccessGrants, CaseRelationships, OWNING_FIELD_GROUPS, systemPrincipal } from '@stac/auth';
import { RISK_SUMMARY_AGREEMENTS } from '../migrations/1795743200000-risk-summary-agreements';

const ACTOR = systemPrincipal('risk-assessment', 'police');

/**
 * Opens access to a case's risk records the way the workflow does (AC-02): the police team owns
 * them (with its `risk.rationale` field group), and the risk summary is shared with advocacy,
 * mental health and probation under the police's risk-summary agreements.
 */
@Injectable()
export class RiskCaseAccess {
  constructor(
    private readonly grants: CaseAccessGrants,
    private readonly relationships: CaseRelationships,
    private readonly accessLog: AccessLog,
  ) {}

  /** Idempotent: a case this service already opened is left as it is. */
  async ensureOpened(m: EntityManager, caseId: string, correlationId: string): Promise<void> {
    // Serialise per case so two first events for one case cannot both open it.
    await m.query(`SELECT pg_advisory_xact_lock(hashtext('risk-case-access:' || $1::text))`, [caseId]);
    const opened: unknown[] = await m.query(
      `SELECT 1 FROM case_relationship WHERE case_id = $1 AND kind = 'OWNING_TEAM' AND created_by = $2 LIMIT 1`,
      [caseId, `${ACTOR.issuer}#${ACTOR.subject}`],
    );
    if (opened.length) return;
    await this.grants.open(m, {
      caseId,
      owner: 'police',
      shares: RISK_SUMMARY_AGREEMENTS.map((a) => ({ agency: a.to, agreementCode: a.code })),
      actor: ACTOR,
      correlationId,
    });
    // The owning team's own field group on risk records (AC-03): rationale and formulation.
    const fieldGroups = OWNING_FIELD_GROUPS.police.filter((g) => g === 'risk.rationale');
    await this.relationships.grant(m, {
      caseId,
      kind: 'OWNING_TEAM',
      agency: 'police',
      fieldGroups,
      createdBy: `${ACTOR.issuer}#${ACTOR.subject}`,
    });
    await this.accessLog.append(m, {
      operation: 'alteration',
      action: 'case.relationship.grant',
      principal: ACTOR,
      recordType: 'case-relationship',
      recordIds: [caseId],
      fieldGroups,
      legalBasis: 'workflow',
      recipients: ['police'],
      decision: { allow: true, rule: 'case.relationship.grant' },
      correlationId,
    });
  }
}
