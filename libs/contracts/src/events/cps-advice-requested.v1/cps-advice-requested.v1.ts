import { ArrayMaxSize, IsArray, IsIn, IsISO8601, IsUUID } from 'class-validator';
import { CPS_EVIDENCE_AREAS, type CpsEvidenceArea } from '@stac/domain';

/** `intake.cps.advice-requested.v1`: the police asked the CPS for early advice. Thin: ids, codes, dates; never the question. */
export class CpsAdviceRequestedV1 {
  static readonly subject = 'intake.cps.advice-requested.v1';
  static readonly eventType = 'intake.cps.advice-requested';
  static readonly version = 1;

  @IsUUID()
  requestId: string;

  @IsArray()
  @ArrayMaxSize(CPS_EVIDENCE_AREAS.length)
  @IsIn(CPS_EVIDENCE_AREAS, { each: true })
  evidenceAreas: CpsEvidenceArea[];

  @IsISO8601({ strict: true })
  dueAt: string;
}
