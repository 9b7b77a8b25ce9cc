import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsInt, IsISO8601, IsString, IsUUID, Matches, Min } from 'class-validator';
import { ADVICE_ITEM_CODES, type AdviceItemCode } from '@stac/domain';

/** `intake.advice.issued.v1`: S-TAC advice went to the case officer (H3); `withinTarget` feeds outcome data. */
export class AdviceIssuedV1 {
  static readonly subject = 'intake.advice.issued.v1';
  static readonly eventType = 'intake.advice.issued';
  static readonly version = 1;

  @IsUUID()
  adviceId: string;

  @IsInt()
  @Min(1)
  documentVersion: number;

  @IsString()
  @Matches(/^\d{4}\.\d{1,3}$/)
  checklistVersion: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ADVICE_ITEM_CODES.length)
  @ArrayUnique()
  @IsIn(ADVICE_ITEM_CODES, { each: true })
  itemCodes: AdviceItemCode[];

  @IsISO8601({ strict: true })
  issuedAt: string;

  /** Issued within the screening target (1 working day from referral by default). */
  @IsBoolean()
  withinTarget: boolean;
}
