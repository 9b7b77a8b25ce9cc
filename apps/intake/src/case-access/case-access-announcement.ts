import type { EntityManager } from 'typeorm';
import { CaseAccessState } from '@stac/auth';
import { CaseAccessChangedV1 } from '@stac/contracts';
import type { EventHeaders, Outbox } from '@stac/messaging';

const state = new CaseAccessState();

/**
 * Announces who may see the case user by user, as it now is (AC-14): moves the case's access version on
 * and writes `intake.case.access-changed.v1` to the outbox, in the caller's transaction — so a committed
 * assignment, panel seat, ending, exclusion or break-glass always reaches every service and a rolled-back
 * one never does. Called after every change to a named relationship or an exclusion of the case.
 */
export async function announceCaseAccess(m: EntityManager, outbox: Outbox, caseId: string, at: Date, headers: EventHeaders): Promise<number> {
  const s = await state.advance(m, caseId, at);
  const iso = (d: Date | null) => (d ? { validTo: d.toISOString() } : {});
  await outbox.enqueue(
    m,
    CaseAccessChangedV1,
    {
      caseId,
      aggregateVersion: s.version,
      additionalInformation: {
        relationships: s.relationships.map((r) => ({
          relationshipId: r.relationshipId,
          kind: r.kind,
          agency: r.agency,
          issuer: r.issuer,
          subject: r.subject,
          readOnly: r.readOnly,
          validFrom: r.validFrom.toISOString(),
          ...iso(r.validTo),
        })),
        exclusions: s.exclusions.map((x) => ({
          exclusionId: x.exclusionId,
          issuer: x.issuer,
          subject: x.subject,
          validFrom: x.validFrom.toISOString(),
          ...iso(x.validTo),
        })),
        changedAt: at.toISOString(),
      },
    },
    headers,
  );
  return s.version;
}
