import { IsBoolean, IsIn, IsISO8601, IsUUID } from 'class-validator';
import { UPDATE_TRIGGERS, type UpdateTrigger } from '@stac/domain';

/** `advocacy.victim.update-due.v1`: a Victims' Code update is owed to the victim by `dueAt` (5 working days, 1 with enhanced rights). */
export class VictimUpdateDueV1 {
  static readonly subject = 'advocacy.victim.update-due.v1';
  static readonly eventType = 'advocacy.victim.update-due';
  static readonly version = 1;

  @IsUUID()
  obligationId: string;

  @IsIn(UPDATE_TRIGGERS)
  trigger: UpdateTrigger;

  @IsISO8601({ strict: true })
  triggeredAt: string;

  @IsISO8601({ strict: true })
  dueAt: string;

  @IsBoolean()
  enhancedRights: boolean;
}
