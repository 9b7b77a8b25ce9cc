import { ArrayMaxSize, IsArray, IsIn, IsISO8601, IsUUID } from 'class-validator';
import { CPS_ADVICE_CODES, type CpsAdviceCode } from '@stac/domain';

/** `intake.cps.advice-given.v1`: a prosecutor answered an early advice request. Thin: the advice codes, never the note. */
export class CpsAdviceGivenV1 {
  static readonly subject = 'intake.cps.advice-given.v1';
  static readonly eventType = 'intake.cps.advice-given';
  static readonly version = 1;

  @IsUUID()
  requestId: string;

  @IsArray()
  @ArrayMaxSize(CPS_ADVICE_CODES.length)
  @IsIn(CPS_ADVICE_CODES, { each: true })
  adviceCodes: CpsAdviceCode[];

  @IsISO8601({ strict: true })
  answeredAt: string;
}
