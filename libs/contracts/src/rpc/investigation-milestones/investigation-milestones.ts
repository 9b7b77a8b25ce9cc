import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { CJ_STAGES, INVESTIGATION_MILESTONES, type CjStage, type InvestigationMilestone } from '@stac/domain';
import { IsPlainText } from '../../validation/plain-text';

export const INVESTIGATION_MILESTONE = {
  record: 'rpc.intake.investigation-milestone.record',
  list: 'rpc.intake.investigation-milestone.list',
} as const;

export class InvestigationMilestoneSubmission {
  @ApiProperty({ enum: INVESTIGATION_MILESTONES })
  @IsIn(INVESTIGATION_MILESTONES)
  milestone: InvestigationMilestone;

  @ApiProperty({ format: 'date-time', description: 'When it happened (the interview, the variation, the decision); not in the future' })
  @IsISO8601({ strict: true, strictSeparator: true })
  occurredAt: string;

  @ApiPropertyOptional({ maxLength: 2000, description: 'Required for DECISION_NOT_TO_INVESTIGATE (decisions not taken are recorded with reasons); stays on the police record' })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  @IsPlainText()
  reason?: string;
}

export class InvestigationMilestoneCommand extends InvestigationMilestoneSubmission {
  @IsUUID() caseId: string;
}

export class InvestigationMilestoneListQuery {
  @IsUUID() caseId: string;
}

export class InvestigationMilestoneView {
  @ApiProperty({ format: 'uuid' }) milestoneId: string;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ enum: INVESTIGATION_MILESTONES }) milestone: InvestigationMilestone;
  @ApiProperty({ format: 'date-time' }) occurredAt: string;
  @ApiProperty({ enum: CJ_STAGES, description: 'The criminal-justice stage when it was recorded (a milestone never moves it)' }) cjStage: CjStage;
  @ApiPropertyOptional({ nullable: true }) reason: string | null;
  @ApiProperty({ description: 'Who recorded it (token subject)' }) recordedBy: string;
  @ApiProperty({ format: 'date-time' }) recordedAt: string;
}

export class InvestigationMilestoneListView {
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ type: InvestigationMilestoneView, isArray: true, description: 'Oldest first: the full history' }) milestones: InvestigationMilestoneView[];
}
