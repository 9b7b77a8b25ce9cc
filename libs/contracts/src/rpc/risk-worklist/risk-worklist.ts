import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { CursorPageQuery } from '../partner-checks/partner-checks';
import {
  ASSESSMENT_SUBJECTS,
  RISK_INSTRUMENTS,
  RISK_LEVELS,
  RISK_TASK_REASONS,
  SCREENING_TASK_STATUSES,
  type AssessmentSubject,
  type RiskInstrument,
  type RiskLevel,
  type RiskTaskReason,
  type ScreeningTaskStatus,
} from '@stac/domain';

export const GET_RISK_WORKLIST = 'rpc.risk-assessment.worklist.get';
export const LIST_RISK_TASKS = 'rpc.risk-assessment.task.list';

export class ListRiskTasksRequest {
  @IsUUID()
  caseId: string;
}

/**
 * The worklist is the caller's agency's (the agency comes from the verified token, never a parameter):
 * `limit` rows per list (1-200, default 50) and, to continue one list, the `cursor` its `next` gave.
 */
export class RiskWorklistRequest extends CursorPageQuery {}

export class RiskTaskTriggerView {
  @ApiProperty({ enum: RISK_TASK_REASONS })
  reason: RiskTaskReason;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, description: 'The event that opened or re-triggered the task' })
  eventId: string | null;
  @ApiPropertyOptional({ format: 'uuid', nullable: true })
  incidentId: string | null;
  @ApiProperty({ format: 'date-time' })
  at: string;
}

export class RiskTaskView {
  @ApiProperty({ format: 'uuid' })
  taskId: string;
  @ApiProperty({ format: 'uuid' })
  caseId: string;
  @ApiProperty({ enum: SCREENING_TASK_STATUSES })
  status: ScreeningTaskStatus;
  @ApiProperty({ enum: RISK_INSTRUMENTS, description: 'Suggested instrument' })
  instrument: RiskInstrument;
  @ApiProperty({ enum: RISK_TASK_REASONS })
  reason: RiskTaskReason;
  @ApiProperty({ description: 'The agency whose work this is' })
  ownerAgency: string;
  @ApiProperty({ format: 'date-time' })
  dueAt: string;
  @ApiProperty({ format: 'date-time' })
  openedAt: string;
  @ApiProperty({ type: RiskTaskTriggerView, isArray: true, description: 'Further triggers received while the task was open' })
  triggers: RiskTaskTriggerView[];
  @ApiPropertyOptional({ format: 'date-time', nullable: true })
  completedAt: string | null;
  @ApiPropertyOptional({ format: 'uuid', nullable: true })
  completedByAssessmentId: string | null;
}

export class OverdueReviewView {
  @ApiProperty({ format: 'uuid' })
  assessmentId: string;
  @ApiProperty({ format: 'uuid' })
  caseId: string;
  @ApiProperty({ enum: ASSESSMENT_SUBJECTS })
  subject: AssessmentSubject;
  @ApiProperty({ enum: RISK_LEVELS })
  level: RiskLevel;
  @ApiProperty({ format: 'date-time' })
  reviewDue: string;
  @ApiProperty({ description: 'Whole days past the review date' })
  daysOverdue: number;
}

export class RiskWorklistNext {
  @ApiProperty({ type: String, nullable: true, description: 'Pass as ?cursor= for the next page of overdue reviews; null on its last page' })
  overdueReviews: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Pass as ?cursor= for the next page of open tasks; null on its last page' })
  openTasks: string | null;
}

export class RiskWorklistView {
  @ApiProperty()
  agency: string;
  @ApiProperty({ format: 'date-time', description: 'The instant the list was computed for' })
  asOf: string;
  @ApiProperty({ type: OverdueReviewView, isArray: true, description: 'Current assessments past their review date, longest overdue first' })
  overdueReviews: OverdueReviewView[];
  @ApiProperty({ type: RiskTaskView, isArray: true, description: 'Open screening and re-assessment tasks, due first' })
  openTasks: RiskTaskView[];
  @ApiProperty({ type: RiskWorklistNext, description: 'Cursor of the next page of each list; a cursor continues its own list only (the other comes back empty)' })
  next: RiskWorklistNext;
}
