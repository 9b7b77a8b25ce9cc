import { Inject, Injectable } from '@nestjs/common';
import { LicenceEndedV1, OffenderReleasedV1 } from '@stac/contracts';
import { WorkingDayCalendar, type PlanReviewReason, type UpdateTrigger } from '@stac/domain';
import { caseIdOf, OnEvent, type EventContext } from '@stac/messaging';
import { Clock } from '@stac/runtime';
import { AdvocacySettings } from '../advocacy-settings';
import { SafetyPlansService } from '../safety-plans/safety-plans.service';
import { VictimUpdatesService } from '../victim-updates/victim-updates.service';

/**
 * Release from custody and the end of a licence (issue 11 item 4, domain.md §3 step 11): probation's
 * scheduler announces them on the day. For the victim the charity supports, in one transaction:
 * - the safety plan in force (AGREED or ACTIVE) falls due for review within RELEASE_REVIEW_WORKING_DAYS
 *   working days of the event (an earlier review already due stands); it shows on the advocate's worklist
 *   as PLAN_REVIEW_DUE with the reason OFFENDER_RELEASED / LICENCE_ENDED;
 * - a victim contact scheme obligation (scheme VICTIM_CONTACT_SCHEME) is opened for the allocated advocate,
 *   due within RELEASE_CONTACT_WORKING_DAYS working days, and delivered with evidence like any other update.
 * A case with no plan still gets the obligation (the advocate decides whether a plan is needed). A case the
 * charity holds no offer for (the victim was not referred with consent or a lawful basis) is recorded as
 * not opened with NO_ADVOCACY_OFFER: the charity may not contact a victim it does not support, and the
 * record shows the event arrived. Consent not in force: not opened, with the consent state, as for any
 * update. The deadlines run from the event's time, so a redelivery (also deduplicated by the inbox and the
 * obligation's unique event id) changes nothing.
 */
@Injectable()
export class ReleaseTriggersService {
  constructor(
    private readonly plans: SafetyPlansService,
    private readonly updates: VictimUpdatesService,
    private readonly settings: AdvocacySettings,
    private readonly calendar: WorkingDayCalendar,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  @OnEvent(OffenderReleasedV1)
  async onOffenderReleased(_event: OffenderReleasedV1, ctx: EventContext): Promise<void> {
    await this.take(ctx, 'OFFENDER_RELEASED', 'OFFENDER_RELEASED');
  }

  @OnEvent(LicenceEndedV1)
  async onLicenceEnded(_event: LicenceEndedV1, ctx: EventContext): Promise<void> {
    await this.take(ctx, 'LICENCE_ENDED', 'LICENCE_ENDED');
  }

  private async take(ctx: EventContext, reason: PlanReviewReason, trigger: UpdateTrigger): Promise<void> {
    const at = new Date(ctx.envelope.occurredAt);
    const headers = { correlationId: ctx.correlationId, causationId: ctx.causationId, traceparent: ctx.traceparent };
    await this.plans.reviewDue(ctx.manager, caseIdOf(ctx), reason, this.clock.now(), headers, this.calendar.addWorkingDays(at, this.settings.releaseReviewWorkingDays));
    await this.updates.open(ctx, trigger, at, { workingDays: this.settings.releaseContactWorkingDays, recordNotReferred: true });
  }
}
