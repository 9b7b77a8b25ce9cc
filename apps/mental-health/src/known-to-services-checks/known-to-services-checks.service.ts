import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CaseReferredV1, type KnownToServicesCheckPart } from '@stac/contracts';
import { OnEvent, type EventContext } from '@stac/messaging';
import { KNOWN_TO_SERVICES_CHECKS, type KnownToServicesChecks } from './known-to-services-checks';

@Injectable()
export class KnownToServicesChecksService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(KNOWN_TO_SERVICES_CHECKS) private readonly checks: KnownToServicesChecks,
  ) {}

  /** A referred case with a person of concern opens a known-to-services check; redelivery opens nothing new. */
  @OnEvent(CaseReferredV1)
  async onCaseReferred(event: CaseReferredV1, ctx: EventContext): Promise<void> {
    if (!event.personOfConcernId) return;
    await this.checks.open(ctx, { personId: event.personOfConcernId, requestedAt: new Date(event.referredAt), reason: 'REFERRAL' });
  }

  async casePart(caseId: string): Promise<KnownToServicesCheckPart | null> {
    const [c] = await this.checks.forCase(this.dataSource.manager, caseId);
    return c ? { checkId: c.id, status: c.status, answer: c.answer, requestedAt: c.requestedAt.toISOString() } : null;
  }
}
