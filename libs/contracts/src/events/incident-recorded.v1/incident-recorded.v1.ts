import { ArrayMaxSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsISO8601, IsUUID } from 'class-validator';
import { BEHAVIOUR_CODES, type BehaviourCode } from '@stac/domain';

/**
 * `intake.incident.recorded.v1`: a new incident (or a breach of an order or bail condition) was
 * added to a case's course of conduct. The envelope's caseId names the case. Thin: codes and dates.
 */
export class IncidentRecordedV1 {
  static readonly subject = 'intake.incident.recorded.v1';
  static readonly eventType = 'intake.incident.recorded';
  static readonly version = 1;

  @IsUUID()
  incidentId: string;

  @IsISO8601({ strict: true })
  occurredAt: string;

  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(BEHAVIOUR_CODES.length)
  @IsIn(BEHAVIOUR_CODES, { each: true })
  behaviours: BehaviourCode[];

  /** A breach of an order, bail condition or licence: the fast path that re-triggers risk review (domain.md §6.7). */
  @IsBoolean()
  isBreach: boolean;
}
