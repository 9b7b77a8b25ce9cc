import { Inject, Injectable } from '@nestjs/common';
import { AccessLog, CaseAccessState, systemPrincipal } from '@stac/auth';
import type { CaseAccessChangedV1 } from '@stac/contracts';
import { caseIdOf, type EventContext } from '@stac/messaging';
import { REPLICA_IDENTITY, type ReplicaIdentity } from './case-restriction-replica';

/**
 * A service's replica of who may see a case user by user, as intake records it (AC-14): assignments, panel
 * seats, break-glass (read-only, until it ends) and exclusions. The service's `@OnEvent(CaseAccessChangedV1)`
 * handler calls `apply` inside the event's inbox transaction; a newer state replaces the replicated rows
 * (never the service's own relationships), a redelivered or older one changes nothing. `decide()` then
 * refuses an excluded user with the 404 of a missing case and an ended relationship on the next request
 * (AC-07, AC-12). The change is logged like any relationship change (AC-02).
 */
@Injectable()
export class CaseAccessReplica {
  constructor(
    private readonly state: CaseAccessState,
    private readonly accessLog: AccessLog,
    @Inject(REPLICA_IDENTITY) private readonly identity: ReplicaIdentity,
  ) {}

  async apply(event: CaseAccessChangedV1, ctx: EventContext): Promise<void> {
    const caseId = caseIdOf(ctx);
    const date = (s?: string) => (s ? new Date(s) : null);
    const applied = await this.state.replicate(
      ctx.manager,
      {
        caseId,
        version: ctx.envelope.aggregateVersion,
        changedAt: new Date(event.changedAt),
        relationships: event.relationships.map((r) => ({
          relationshipId: r.relationshipId,
          kind: r.kind,
          agency: r.agency,
          issuer: r.issuer,
          subject: r.subject,
          readOnly: r.readOnly,
          validFrom: new Date(r.validFrom),
          validTo: date(r.validTo),
        })),
        exclusions: event.exclusions.map((x) => ({
          exclusionId: x.exclusionId,
          issuer: x.issuer,
          subject: x.subject,
          validFrom: new Date(x.validFrom),
          validTo: date(x.validTo),
        })),
      },
      ctx.envelope.producer,
      `${ctx.envelope.producer}:${ctx.envelope.id}`,
    );
    if (!applied) return;
    await this.accessLog.append(ctx.manager, {
      operation: 'alteration',
      action: 'case.access.replicate',
      principal: systemPrincipal(this.identity.service, this.identity.agency),
      recordType: 'case-relationship',
      recordIds: [caseId, ...event.relationships.map((r) => r.relationshipId), ...event.exclusions.map((x) => x.exclusionId)],
      fieldGroups: [],
      legalBasis: 'workflow',
      recipients: [],
      decision: { allow: true, rule: 'case.access.replicate' },
      correlationId: ctx.correlationId,
    });
  }
}
