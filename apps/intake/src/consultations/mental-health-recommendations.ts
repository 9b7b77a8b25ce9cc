import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Not } from 'typeorm';
import { MhRecommendationMadeV1 } from '@stac/contracts';
import type { ConsultationDecisionCode } from '@stac/domain';
import { caseIdOf, OnEvent, type EventContext } from '@stac/messaging';
import { Consultation, ConsultationDecision } from './consultation.entity';

/**
 * The trust's D6 recommendation reaches the multi-agency consultation record (domain.md §3 step 7): the
 * consultation S-TAC named when it asked, else the case's latest one, gets the `MH_ROUTE_*` decision. The
 * inbox makes a redelivery a no-op; a case with no consultation keeps the recommendation at the trust only.
 */
@Injectable()
export class MentalHealthRecommendations {
  @OnEvent(MhRecommendationMadeV1)
  async onRecommendationMade(event: MhRecommendationMadeV1, ctx: EventContext): Promise<void> {
    const caseId = caseIdOf(ctx);
    const m = ctx.manager;
    const consultation = event.stacConsultationId
      ? await m.findOne(Consultation, { where: { id: event.stacConsultationId, caseId } })
      : await m.findOne(Consultation, { where: { caseId, status: Not('CANCELLED') }, order: { scheduledFor: 'DESC' } });
    if (!consultation) return;
    await m.insert(ConsultationDecision, {
      id: randomUUID(),
      consultationId: consultation.id,
      caseId,
      code: `MH_ROUTE_${event.recommendation}` as ConsultationDecisionCode,
      note: `Mental-health liaison recommendation (consultation ${event.consultationId})`,
      recordedBy: 'service:mental-health',
      recordedAt: new Date(event.madeAt),
    });
  }
}
