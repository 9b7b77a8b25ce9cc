import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The criminal-justice stage probation learns from intake's case.stage-changed: a post-conviction consultation needs a conviction. */
@Entity('probation_case_stage')
export class ProbationCaseStage {
  @PrimaryColumn({ name: 'case_id', type: 'uuid' })
  caseId: string;

  @Column({ name: 'cj_stage', type: 'text' })
  cjStage: string;

  @Column({ name: 'convicted_at', type: 'timestamptz', nullable: true })
  convictedAt: Date | null;

  @Column({ name: 'changed_at', type: 'timestamptz' })
  changedAt: Date;
}
