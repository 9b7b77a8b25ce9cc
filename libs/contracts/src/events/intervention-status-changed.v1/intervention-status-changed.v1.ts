import { IsIn, IsISO8601, IsOptional, IsUUID } from 'class-validator';
import { INTERVENTION_LEGAL_BASES, INTERVENTION_STATUSES, type InterventionLegalBasis, type InterventionStatus } from '@stac/domain';

/**
 * `mental-health.intervention.status-changed.v1` (domain.md §5 `intervention.status-changed`): an
 * intervention moved. Thin: codes and ids; the envelope's aggregateVersion is the intervention's version,
 * so consumers can ignore a late, older change. Consumed by intake (a case cannot close while one is active;
 * BREACHED of an SPO requirement is a breach of that order) and by probation.
 */
export class InterventionStatusChangedV1 {
  static readonly subject = 'mental-health.intervention.status-changed.v1';
  static readonly eventType = 'mental-health.intervention.status-changed';
  static readonly version = 1;

  @IsUUID()
  interventionId: string;

  @IsOptional()
  @IsIn(INTERVENTION_STATUSES)
  previousStatus?: InterventionStatus;

  @IsIn(INTERVENTION_STATUSES)
  status: InterventionStatus;

  @IsIn(INTERVENTION_LEGAL_BASES)
  legalBasis: InterventionLegalBasis;

  /** Intake's protective order carrying the SPO requirement. */
  @IsOptional()
  @IsUUID()
  orderId?: string;

  @IsISO8601({ strict: true })
  changedAt: string;
}
