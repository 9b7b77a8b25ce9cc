import { Injectable } from '@nestjs/common';
import { ProbationCheckAnsweredV1 } from '@stac/contracts';
import { caseIdOf, OnEvent, type EventContext } from '@stac/messaging';

/**
 * Keeps the partners' check answers on the police case (H2: only the answer and a contact route come
 * back into the shared record). A later answer replaces an earlier one; a late, older event changes nothing.
 */
@Injectable()
export class PartnerCheckAnswers {
  @OnEvent(ProbationCheckAnsweredV1)
  async onProbationCheckAnswered(event: ProbationCheckAnsweredV1, ctx: EventContext): Promise<void> {
    await ctx.manager.query(
      `INSERT INTO partner_check_answer (case_id, agency, check_id, answer, contact_route, answered_at, source_event_id)
       VALUES ($1, 'probation', $2, $3, $4, $5, $6)
       ON CONFLICT (case_id, agency) DO UPDATE
         SET check_id = EXCLUDED.check_id, answer = EXCLUDED.answer, contact_route = EXCLUDED.contact_route,
             answered_at = EXCLUDED.answered_at, source_event_id = EXCLUDED.source_event_id
       WHERE partner_check_answer.answered_at <= EXCLUDED.answered_at`,
      [caseIdOf(ctx), event.checkId, event.supervisionStatus, event.contactRoute, new Date(event.answeredAt), ctx.envelope.id],
    );
  }
}
