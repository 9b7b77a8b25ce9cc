import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { CpsAdviceCode, CpsAdviceRequestStatus, CpsEvidenceArea } from '@stac/domain';

/** A police request for early CPS advice on the case file, and the prosecutor's coded answer. */
@Entity('cps_advice_request')
export class CpsAdviceRequest {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId: string;

  @Column({ type: 'text' })
  status: CpsAdviceRequestStatus;

  @Column({ type: 'text' })
  question: string;

  @Column({ name: 'evidence_areas', type: 'text', array: true })
  evidenceAreas: CpsEvidenceArea[];

  @Column({ name: 'requested_by', type: 'text' })
  requestedBy: string;

  @Column({ name: 'requested_at', type: 'timestamptz' })
  requestedAt: Date;

  @Column({ name: 'due_at', type: 'timestamptz' })
  dueAt: Date;

  @Column({ name: 'advice_codes', type: 'text', array: true, nullable: true })
  adviceCodes: CpsAdviceCode[] | null;

  @Column({ type: 'text', nullable: true })
  note: string | null;

  @Column({ name: 'answered_by', type: 'text', nullable: true })
  answeredBy: string | null;

  @Column({ name: 'answered_at', type: 'timestamptz', nullable: true })
  answeredAt: Date | null;
}
