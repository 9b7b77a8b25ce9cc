import { IsBoolean, IsIn, IsISO8601, IsUUID } from 'class-validator';
import { UPDATE_DELIVERY_METHODS, type UpdateDeliveryMethod } from '@stac/domain';

/** `advocacy.victim.update-delivered.v1`: the Victims' Code update was given (when, how, whether in time). */
export class VictimUpdateDeliveredV1 {
  static readonly subject = 'advocacy.victim.update-delivered.v1';
  static readonly eventType = 'advocacy.victim.update-delivered';
  static readonly version = 1;

  @IsUUID()
  obligationId: string;

  @IsISO8601({ strict: true })
  deliveredAt: string;

  @IsIn(UPDATE_DELIVERY_METHODS)
  method: UpdateDeliveryMethod;

  @IsBoolean()
  inTime: boolean;
}
