import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, IsUUID, Matches, Max, Min } from 'class-validator';
import { BEHAVIOUR_CODES } from '@stac/domain';
import { IncidentSubmission } from '../create-referral/create-referral';

/** Request/reply patterns of the course of conduct (intake). */
export const INCIDENTS = {
  record: 'rpc.intake.incident.record',
  timeline: 'rpc.intake.case.timeline.get',
} as const;

/** POST /api/v1/cases/:caseId/incidents: when it happened and what was done (behaviour codes). */
export class RecordIncident extends IncidentSubmission {}

export class RecordIncidentRequest extends RecordIncident {
  @IsUUID()
  caseId: string;
}

export class TimelineQuery {
  @IsUUID()
  caseId: string;

  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,200}$/, { message: 'cursor must be the nextCursor of a previous page' })
  cursor?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

export const COURSE_OF_CONDUCT_SIGNALS = [
  'ESCALATING_FREQUENCY',
  'NEW_BEHAVIOUR',
  'ONLINE_TO_PHYSICAL',
  'THREATS_AFTER_ORDER',
] as const;
export type CourseOfConductSignalCode = (typeof COURSE_OF_CONDUCT_SIGNALS)[number];

export class CourseOfConductSignal {
  @ApiProperty({ enum: COURSE_OF_CONDUCT_SIGNALS })
  code: CourseOfConductSignalCode;
  @ApiProperty({ example: '4 incidents in the last 14 days against 1 in the 14 days before' })
  explanation: string;
  @ApiProperty({ enum: BEHAVIOUR_CODES, isArray: true, description: 'Behaviour codes that raised the signal' })
  behaviours: string[];
  @ApiProperty({ type: String, isArray: true, description: 'Incidents that raised the signal' })
  incidentIds: string[];
}

export class IncidentRecorded {
  @ApiProperty({ format: 'uuid' })
  incidentId: string;
  @ApiProperty({ format: 'uuid' })
  caseId: string;
  @ApiProperty({ format: 'date-time' })
  occurredAt: string;
  @ApiProperty({ enum: BEHAVIOUR_CODES, isArray: true })
  behaviours: string[];
  @ApiProperty({ description: 'A breach of an order, bail condition or licence' })
  isBreach: boolean;
  @ApiProperty({ format: 'date-time' })
  recordedAt: string;
  @ApiProperty({ type: CourseOfConductSignal, isArray: true, description: 'Signals of the course of conduct after this incident' })
  signals: CourseOfConductSignal[];
}

export class TimelineEntry {
  @ApiProperty({ format: 'uuid' })
  incidentId: string;
  @ApiProperty({ format: 'date-time' })
  occurredAt: string;
  @ApiProperty({ enum: BEHAVIOUR_CODES, isArray: true })
  behaviours: string[];
  @ApiProperty()
  isBreach: boolean;
  @ApiProperty({ format: 'date-time' })
  recordedAt: string;
}

export class CaseTimeline {
  @ApiProperty({ format: 'uuid' })
  caseId: string;
  @ApiProperty({ description: 'All incidents on the case' })
  incidentCount: number;
  @ApiProperty({ type: TimelineEntry, isArray: true, description: 'Newest first' })
  items: TimelineEntry[];
  @ApiPropertyOptional({ nullable: true, description: 'Pass as ?cursor= for the next (older) page; null on the last page' })
  nextCursor: string | null;
  @ApiProperty({ type: CourseOfConductSignal, isArray: true, description: 'Derived from the whole course of conduct' })
  signals: CourseOfConductSignal[];
}
