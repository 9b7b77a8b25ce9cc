import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { OrderStatus } from '@stac/domain';

/** The history of an order's lifecycle. */
@Entity('order_transition')
export class OrderTransition {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'order_id', type: 'uuid' })
  orderId: string;

  @Column({ name: 'from_state', type: 'text', nullable: true })
  fromState: OrderStatus | null;

  @Column({ name: 'to_state', type: 'text' })
  toState: OrderStatus;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ type: 'text' })
  actor: string;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt: Date;
}
