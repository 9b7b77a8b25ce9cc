import { Column, Entity } from 'typeorm';
import type { KnownToServiceAnswer } from '@stac/domain';
import { PartnerCheckRecord } from '@stac/partner-checks';

/**
 * Is the person of concern known to the trust's services? (domain.md §3 H2). Only YES / NO / UNKNOWN
 * and a contact route ever leave the trust; clinical detail never does.
 */
@Entity('known_to_services_check')
export class KnownToServicesCheck extends PartnerCheckRecord {
  @Column({ type: 'text', nullable: true })
  answer: KnownToServiceAnswer | null;
}
