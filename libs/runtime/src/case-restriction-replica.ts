import { Inject, Injectable } from '@nestjs/common';
import { AccessLog, CaseRestrictions, systemPrincipal } from '@stac/auth';
import type { CaseRestrictionChangedV1 } from '@stac/contracts';
import type { Agency } from '@stac/domain';
import { caseIdOf, type EventContext } from '@stac/messaging';

/** Who this service is, for the access-log rows its replica writes. */
export const REPLICA_IDENTITY = Symbol('REPLICA_IDENTITY');
export interface ReplicaIdentity {
  service: string;
  agency: Exclude<Agency, 'cps'>;
}

/**
 * A service's replica of the restrictions intake records on its cases (restricted records, AC-14): the
 * service's `@OnEvent(CaseRestrictionChangedV1)` handler calls `apply`, inside the event's inbox
 * transaction. A newer state replaces what the service holds (names included); a redelivered or older one
 * changes nothing. The change to who may see the case is logged like any relationship change (AC-02).
 */
@Injectable()
export class CaseRestrictionReplica {
  constructor(
    private readonly restrictions: CaseRestrictions,
    private readonly accessLog: AccessLog,
    @Inject(REPLICA_IDENTITY) private readonly identity: ReplicaIdentity,
  ) {}

  async apply(event: CaseRestrictionChangedV1, ctx: EventContext): Promise<void> {
    const caseId = caseIdOf(ctx);
    const applied = await this.restrictions.replicate(
      ctx.manager,
      {
        caseId,
        kinds: event.restricted ? event.kinds : [],
        version: ctx.envelope.aggregateVersion,
        changedAt: new Date(event.changedAt),
        named: event.named.map((n) => ({
          grantId: n.grantId,
          issuer: n.issuer,
          subject: n.subject,
          validFrom: new Date(n.validFrom),
          validTo: n.validTo ? new Date(n.validTo) : null,
        })),
      },
      `${ctx.envelope.producer}:${ctx.envelope.id}`,
    );
    if (!applied) return;
    await this.accessLog.append(ctx.manager, {
      operation: 'alteration',
      action: 'case.restriction.replicate',
      principal: systemPrincipal(this.identity.service, this.identity.agency),
      recordType: 'case-restriction',
      recordIds: [caseId, ...event.named.map((n) => n.grantId)],
      fieldGroups: [],
      legalBasis: 'workflow',
      recipients: [],
      decision: { allow: true, rule: 'case.restriction.replicate' },
      correlationId: ctx.correlationId,
    });
  }
}
