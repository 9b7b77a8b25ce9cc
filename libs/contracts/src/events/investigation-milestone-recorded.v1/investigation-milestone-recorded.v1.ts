import { IsIn, IsISO8601, IsUUID } from 'class-validator';
import { INVESTIGATION_MILESTONES, type InvestigationMilestone } from '@stac/domain';

/**
 * `intake.investigation.milestone-recorded.v1`: the case officer recorded an investigation milestone that
 * does not move the criminal-justice stage (suspect interviewed, bail conditions changed, decision not to
 * investigate). Consumer: advocacy opens the Victims' Code update obligation. Thin: code and time, never the reason.
 */
export class InvestigationMilestoneRecordedV1 {
  static readonly subject = 'intake.investigation.milestone-recorded.v1';
  static readonly eventType = 'intake.investigation.milestone-recorded';
  static readonly version = 1;

  @IsUUID()
  milestoneId: string;

  @IsIn(INVESTIGATION_MILESTONES)
  milestone: InvestigationMilestone;

  @IsISO8601({ strict: true })
  occurredAt: string;
}
