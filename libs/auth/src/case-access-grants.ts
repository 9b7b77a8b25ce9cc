import { Inject, Injectable, Optional } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Agency } from '@stac/domain';
import { AccessLog } from './access-log/access-log';
import { CaseRelationships } from './policy/case-relationships';
import { OWNING_TEAMS, type OwningTeams } from './policy/owning-teams';
import { OWNING_FIELD_GROUPS } from './policy/policy-table';
import type { FieldGroup, Principal } from './policy/vocabulary';

export interface CaseAccessPlan {
  caseId: string;
  /** The agency whose team owns this service's record of the case. */
  owner: Agency;
  /**
   * Field groups the owning team (and an assignee of the owning agency) hold on this record; by
   * default the owning agency's own groups (OWNING_FIELD_GROUPS). A service whose records carry fewer
   * restricted groups narrows it.
   */
  ownerFieldGroups?: readonly FieldGroup[];
  /** Agreement codes (see DEFAULT_AGREEMENTS) under which the record is shared with other agencies. */
  shares: { agency: Agency; agreementCode: string }[];
  /** A named user assigned to the case (e.g. the referring officer). */
  assignee?: Principal;
  actor: Principal;
  correlationId: string;
  /**
   * Open only if this actor has not opened the case yet (an idempotent open decided in the same
   * statement as the write); the caller serialises concurrent openers of one case.
   */
  unlessOpened?: boolean;
}

/**
 * Opens access to a new case the way the workflow does (AC-02): the owning team, an assignment and
 * shares under the agencies' agreements — in the caller's transaction, and audited.
 */
@Injectable()
export class CaseAccessGrants {
  constructor(
    private readonly relationships: CaseRelationships,
    private readonly accessLog: AccessLog,
    @Optional() @Inject(OWNING_TEAMS) private readonly owningTeams: OwningTeams = {},
  ) {}

  /** Opens access and logs it; false (nothing written) when `unlessOpened` found the case opened by this actor. */
  async open(m: EntityManager, plan: CaseAccessPlan): Promise<boolean> {
    const createdBy = `${plan.actor.issuer}#${plan.actor.subject}`;
    const fieldGroups = plan.ownerFieldGroups ?? OWNING_FIELD_GROUPS[plan.owner];
    const written = await this.relationships.grantMany(m, [
      // Where the owning agency has teams, the case is its owning team's, not every user of the agency (AC-02).
      { caseId: plan.caseId, kind: 'OWNING_TEAM', agency: plan.owner, fieldGroups, createdBy, team: this.owningTeams[plan.owner] },
      ...(plan.assignee
        ? [
            {
              caseId: plan.caseId,
              kind: 'ASSIGNMENT' as const,
              agency: plan.assignee.agency,
              subject: plan.assignee.subject,
              issuer: plan.assignee.issuer,
              fieldGroups: plan.assignee.agency === plan.owner ? fieldGroups : [],
              createdBy,
            },
          ]
        : []),
      ...plan.shares.map((s) => ({
        caseId: plan.caseId,
        kind: 'AGENCY_SHARE' as const,
        agency: s.agency,
        agreementCode: s.agreementCode,
        createdBy,
      })),
    ], plan.unlessOpened ? { unlessHeld: { kind: 'OWNING_TEAM', createdBy } } : {});
    if (written.length === 0) return false;
    await this.accessLog.append(m, {
      operation: 'alteration',
      action: 'case.relationship.grant',
      principal: plan.actor,
      recordType: 'case-relationship',
      recordIds: [plan.caseId],
      fieldGroups,
      legalBasis: 'workflow',
      recipients: [plan.owner, ...plan.shares.map((s) => s.agency)],
      decision: { allow: true, rule: 'case.relationship.grant' },
      correlationId: plan.correlationId,
    });
    return true;
  }
}
