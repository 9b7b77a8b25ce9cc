import { IsIn, IsISO8601, IsUUID } from 'class-validator';
import { UPDATE_SCHEMES, UPDATE_TRIGGERS, type UpdateScheme, type UpdateTrigger } from '@stac/domain';

/**
 * `advocacy.victim.update-overdue.v1`: an update obligation (announced by `advocacy.victim.update-due.v1`)
 * passed its due time undelivered and is escalated to the advocacy lead's worklist. Published once per
 * obligation by advocacy's escalation scan on its injectable clock. Thin: ids, codes and times.
 */
export class VictimUpdateOverdueV1 {
  static readonly subject = 'advocacy.victim.update-overdue.v1';
  static readonly eventType = 'advocacy.victim.update-overdue';
  static readonly version = 1;

  @IsUUID()
  obligationId: string;

  @IsIn(UPDATE_TRIGGERS)
  trigger: UpdateTrigger;

  @IsIn(UPDATE_SCHEMES)
  scheme: UpdateScheme;

  @IsISO8601({ strict: true })
  dueAt: string;

  @IsISO8601({ strict: true })
  escalatedAt: string;
}
