import { IsBoolean, IsISO8601, IsUUID } from 'class-validator';

/** `advocacy.offer.engaged.v1`: the victim consented and is supported by the charity (again, when `reEngaged`). Ids and dates only. */
export class AdvocacyEngagedV1 {
  static readonly subject = 'advocacy.offer.engaged.v1';
  static readonly eventType = 'advocacy.offer.engaged';
  static readonly version = 1;

  @IsUUID()
  offerId: string;

  @IsISO8601({ strict: true })
  engagedAt: string;

  @IsBoolean()
  reEngaged: boolean;
}
