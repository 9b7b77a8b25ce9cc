import { Column, Entity, PrimaryColumn, VersionColumn } from 'typeorm';
import type { OrderNotPursuedReason, OrderStatus, OrderType } from '@stac/domain';

/** A protective order or measure on a case (D7-D11), from consideration to its end. */
@Entity('protective_order')
export class ProtectiveOrder {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId: string;

  @Column({ name: 'order_type', type: 'text' })
  orderType: OrderType;

  @Column({ type: 'text' })
  status: OrderStatus;

  @Column({ type: 'text', nullable: true })
  note: string | null;

  @Column({ name: 'not_pursued_reason', type: 'text', nullable: true })
  notPursuedReason: OrderNotPursuedReason | null;

  /** The latest written reason (refusal, variation, discharge, not pursued). */
  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ name: 'considered_by', type: 'text' })
  consideredBy: string;

  @Column({ name: 'considered_at', type: 'timestamptz' })
  consideredAt: Date;

  @Column({ name: 'applied_at', type: 'timestamptz', nullable: true })
  appliedAt: Date | null;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt: Date | null;

  @Column({ name: 'effective_from', type: 'timestamptz', nullable: true })
  effectiveFrom: Date | null;

  /** Null: until further order. */
  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  @Column({ name: 'served_at', type: 'timestamptz', nullable: true })
  servedAt: Date | null;

  /** SPO s9 clock: name and home address due within 3 days of service. */
  @Column({ name: 'notification_due_at', type: 'timestamptz', nullable: true })
  notificationDueAt: Date | null;

  @Column({ name: 'notification_received_at', type: 'timestamptz', nullable: true })
  notificationReceivedAt: Date | null;

  /** The expiry an `order.expiring` warning was last sent for (a renewal re-arms it). */
  @Column({ name: 'expiry_warned_for', type: 'timestamptz', nullable: true })
  expiryWarnedFor: Date | null;

  /**
   * victim.location: sealed with the agency key (DP-02, bound to this row) and read or written only
   * with that field group (AC-03).
   */
  @Column({ name: 'exclusion_zones_enc', type: 'bytea', nullable: true })
  exclusionZonesEnc: Buffer | null;

  @VersionColumn()
  version: number;
}
