import { Column, Entity } from 'typeorm';
import type { SupervisionStatus } from '@stac/domain';
import { PartnerCheckRecord } from '@stac/partner-checks';

/**
 * Is the person of concern under probation supervision? (domain.md §3 H2). The shared partner-check shape
 * (@stac/partner-checks) plus probation's answer and its case reference, kept only as a keyed search token.
 * Only the supervision status and a contact route are shared back.
 */
@Entity('supervision_check')
export class SupervisionCheck extends PartnerCheckRecord {
  @Column({ name: 'supervision_status', type: 'text', nullable: true })
  supervisionStatus: SupervisionStatus | null;

  /** HMAC-SHA256 of the probation case reference under PROBATION_SEARCH_KEY: findable, never stored in clear. */
  @Column({ name: 'reference_token', type: 'bytea', nullable: true })
  referenceToken: Buffer | null;
}
