import { Column, Entity, PrimaryColumn, VersionColumn } from 'typeorm';
import type { MatchGrade, MatchReasonCode } from './duplicate-matching';

export const CANDIDATE_STATUSES = ['OPEN', 'CONFIRMED', 'REJECTED'] as const;
export type CandidateStatus = (typeof CANDIDATE_STATUSES)[number];

/**
 * Two person records that may be the same human being, found when a person was added. Never merged
 * silently: a person confirms (the records are linked as one identity) or rejects (never proposed again).
 */
@Entity('duplicate_candidate')
export class DuplicateCandidate {
  @PrimaryColumn('uuid')
  id: string;

  /** The record being added when the match was found. */
  @Column({ name: 'person_id', type: 'uuid' })
  personId: string;

  /** The existing record it resembles. */
  @Column({ name: 'candidate_id', type: 'uuid' })
  candidateId: string;

  @Column({ type: 'text' })
  grade: MatchGrade;

  @Column({ type: 'real' })
  score: number;

  @Column({ type: 'text', array: true })
  reasons: MatchReasonCode[];

  @Column({ type: 'text' })
  status: CandidateStatus;

  @Column({ name: 'detected_at', type: 'timestamptz' })
  detectedAt: Date;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt: Date | null;

  /** issuer#subject of who decided; never a name. */
  @Column({ name: 'decided_by', type: 'text', nullable: true })
  decidedBy: string | null;

  @VersionColumn()
  version: number;
}
