import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsInt, IsString, IsUUID, Length, Min } from 'class-validator';
import { IsPlainText } from '../../validation/plain-text';
import { CursorPageQuery } from '../partner-checks/partner-checks';

export const BREAK_GLASS_REVIEWS = {
  list: 'rpc.intake.break-glass-review.list',
  complete: 'rpc.intake.break-glass-review.complete',
} as const;

/** What the data protection officer found on reviewing a break-glass access (AC-06). */
export const BREAK_GLASS_REVIEW_OUTCOMES = ['JUSTIFIED', 'NOT_JUSTIFIED', 'REFERRED_FOR_INVESTIGATION'] as const;
export type BreakGlassReviewOutcome = (typeof BREAK_GLASS_REVIEW_OUTCOMES)[number];

/** A page of the open break-glass reviews, oldest first. */
export class BreakGlassReviewQuery extends CursorPageQuery {}

/** A break-glass review task: ids, who opened it (issuer#subject), times and the outcome; never the justification (in the access log). */
export class BreakGlassReviewView {
  @ApiProperty({ format: 'uuid' }) reviewId: string;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ format: 'uuid', description: 'The BREAK_GLASS relationship it reviews' }) relationshipId: string;
  @ApiProperty({ description: 'issuer#subject of the user who broke the glass' }) openedBy: string;
  @ApiProperty({ format: 'date-time' }) openedAt: string;
  @ApiProperty({ format: 'date-time', description: 'When the emergency access ended by itself (30 minutes)' }) expiresAt: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'When the alarm was raised (the alert consumer handled the event)' })
  alertedAt: string | null;
  @ApiProperty({ enum: ['OPEN', 'REVIEWED'] }) status: 'OPEN' | 'REVIEWED';
  @ApiProperty({ enum: BREAK_GLASS_REVIEW_OUTCOMES, nullable: true }) outcome: BreakGlassReviewOutcome | null;
  @ApiProperty({ type: String, nullable: true }) note: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'issuer#subject of the DPO who completed it' }) reviewedBy: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) reviewedAt: string | null;
  @ApiProperty({ description: 'For If-Match' }) version: number;
}

export class BreakGlassReviewList {
  @ApiProperty({ type: BreakGlassReviewView, isArray: true, description: 'Open reviews, oldest first' }) reviews: BreakGlassReviewView[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as ?cursor= for the next page; null on the last page' }) nextCursor: string | null;
}

export class CompleteBreakGlassReviewSubmission {
  @ApiProperty({ enum: BREAK_GLASS_REVIEW_OUTCOMES })
  @IsIn(BREAK_GLASS_REVIEW_OUTCOMES)
  outcome: BreakGlassReviewOutcome;

  @ApiProperty({ minLength: 10, maxLength: 2000, description: 'What the review found (kept with the review; the access log records that it was completed)' })
  @IsString()
  @Length(10, 2000)
  @IsPlainText()
  note: string;
}

export class CompleteBreakGlassReviewCommand extends CompleteBreakGlassReviewSubmission {
  @IsUUID() reviewId: string;
  @IsInt() @Min(1) expectedVersion: number;
}
