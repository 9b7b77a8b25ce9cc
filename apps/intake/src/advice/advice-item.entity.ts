import { Column, Entity, PrimaryColumn, VersionColumn } from 'typeorm';
import type { AdviceItemCode, AdviceItemStatus } from '@stac/domain';

/** One coded checklist item of an advice document, resolved DONE | ACCEPTED | DECLINED by the case officer. */
@Entity('advice_item')
export class AdviceItem {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'advice_id', type: 'uuid' })
  adviceId: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId: string;

  @Column({ type: 'text' })
  code: AdviceItemCode;

  @Column({ type: 'text' })
  guidance: string;

  @Column({ name: 'due_at', type: 'timestamptz' })
  dueAt: Date;

  @Column({ type: 'text' })
  status: AdviceItemStatus;

  @Column({ type: 'text', nullable: true })
  rationale: string | null;

  @Column({ name: 'victim_views_sought', type: 'boolean', nullable: true })
  victimViewsSought: boolean | null;

  @Column({ name: 'resolved_by', type: 'text', nullable: true })
  resolvedBy: string | null;

  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt: Date | null;

  @VersionColumn()
  version: number;
}
