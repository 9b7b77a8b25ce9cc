import { Column, Entity, PrimaryColumn, VersionColumn } from 'typeorm';
import type { AdviceStatus } from '@stac/domain';

/** H3: one issue of the S-TAC advice document to the case officer; a re-issue supersedes it. */
@Entity('advice')
export class Advice {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId: string;

  @Column({ name: 'document_version', type: 'integer' })
  documentVersion: number;

  @Column({ name: 'checklist_version', type: 'text' })
  checklistVersion: string;

  @Column({ type: 'text' })
  status: AdviceStatus;

  @Column({ name: 'case_officer', type: 'text', nullable: true })
  caseOfficer: string | null;

  @Column({ type: 'text', nullable: true })
  note: string | null;

  @Column({ name: 'issued_by', type: 'text' })
  issuedBy: string;

  @Column({ name: 'issued_at', type: 'timestamptz' })
  issuedAt: Date;

  @Column({ name: 'acknowledged_by', type: 'text', nullable: true })
  acknowledgedBy: string | null;

  @Column({ name: 'acknowledged_at', type: 'timestamptz', nullable: true })
  acknowledgedAt: Date | null;

  @VersionColumn()
  version: number;
}
