import { IsIn, IsISO8601, IsUUID } from 'class-validator';
import { VICTIM_SITUATION_CHANGES, type VictimSituationChange } from '@stac/domain';

/**
 * `advocacy.victim.situation-changed.v1`: the victim's situation changed (moved, new partner, new job):
 * a risk re-assessment trigger. The detail (where, who) stays sealed in advocacy as victim.location.
 */
export class VictimSituationChangedV1 {
  static readonly subject = 'advocacy.victim.situation-changed.v1';
  static readonly eventType = 'advocacy.victim.situation-changed';
  static readonly version = 1;

  @IsUUID()
  changeId: string;

  @IsIn(VICTIM_SITUATION_CHANGES)
  change: VictimSituationChange;

  @IsISO8601({ strict: true })
  changedAt: string;
}
