import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Agency } from '@stac/domain';

/** A partner agency's answer to a known-to-services check (thin: the route itself stays with the agency). */
@Entity('partner_check_answer')
export class PartnerCheckAnswer {
  @PrimaryColumn({ name: 'check_id', type: 'uuid' }) checkId: string;
  @Column({ name: 'case_id', type: 'uuid' }) caseId: string;
  @Column({ type: 'text' }) agency: Agency;
  @Column({ name: 'person_id', type: 'uuid' }) personId: string;
  @Column({ type: 'text' }) answer: string;
  @Column({ name: 'contact_route_available', type: 'boolean' }) contactRouteAvailable: boolean;
  @Column({ name: 'answered_at', type: 'timestamptz' }) answeredAt: Date;
  @Column({ name: 'source_event_id', type: 'uuid' }) sourceEventId: string;
}
