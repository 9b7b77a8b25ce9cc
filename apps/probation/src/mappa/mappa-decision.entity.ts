import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { MappaCategory, MappaLeadAgency, MappaLevel } from '@stac/domain';

/** One MAPPA setting (D14); append-only, the latest is current and the rest is its history. */
@Entity('mappa_decision')
export class MappaDecision {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId: string;

  @Column({ type: 'smallint' })
  category: MappaCategory;

  @Column({ type: 'smallint' })
  level: MappaLevel;

  @Column({ name: 'lead_agency', type: 'text' })
  leadAgency: MappaLeadAgency;

  @Column({ name: 'next_review_date', type: 'date' })
  nextReviewDate: string;

  @Column({ name: 'set_by', type: 'text' })
  setBy: string;

  @Column({ name: 'set_at', type: 'timestamptz' })
  setAt: Date;
}
