import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A partner agency's answer to its known-to-services check on a case (domain.md §3 H2): the answer and a route, nothing else. */
@Entity('partner_check_answer')
export class PartnerCheckAnswer {
  @PrimaryColumn({ name: 'case_id', type: 'uuid' })
  caseId: string;

  @PrimaryColumn({ type: 'text' })
  agency: string;

  @Column({ name: 'check_id', type: 'uuid' })
  checkId: string;

  @Column({ type: 'text' })
  answer: string;

  @Column({ name: 'contact_route', type: 'text' })
  contactRoute: string;

  @Column({ name: 'answered_at', type: 'timestamptz' })
  answeredAt: Date;

  @Column({ name: 'source_event_id', type: 'uuid' })
  sourceEventId: string;
}
