import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsISO8601, IsOptional, IsUUID, Max, Min } from 'class-validator';
import type { ServiceName } from '@stac/domain';
import { IsSequenceCursor } from '../../validation/sequence-cursor';

/** Each service answers for its own s62 access log (LAW-05). */
export const AUDIT_QUERY: Record<Exclude<ServiceName, 'gateway'>, string> = {
  intake: 'rpc.intake.audit.query',
  'risk-assessment': 'rpc.risk-assessment.audit.query',
  advocacy: 'rpc.advocacy.audit.query',
  'mental-health': 'rpc.mental-health.audit.query',
  probation: 'rpc.probation.audit.query',
};

export class AuditQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only entries naming this record (case, person, ...)' })
  @IsOptional()
  @IsUUID()
  recordId?: string;

  @ApiProperty({ format: 'date-time' })
  @IsISO8601({ strict: true })
  from: string;

  @ApiProperty({ format: 'date-time' })
  @IsISO8601({ strict: true })
  to: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ description: 'Cursor from the previous page' })
  @IsOptional()
  @IsSequenceCursor()
  after?: string;
}

export interface AuditEntry {
  id: string;
  seq: string;
  occurredAt: string;
  operation: string;
  action: string;
  actor: { issuer: string; subject: string; agency: string; roles: string[] };
  recordType: string;
  recordIds: string[];
  fieldGroups: string[];
  purpose: string | null;
  justification: string | null;
  legalBasis: string | null;
  recipients: string[];
  decision: string;
  rule: string;
  reason: string | null;
  correlationId: string;
}

export interface AuditPage {
  entries: AuditEntry[];
  nextCursor: string | null;
}
