import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { EventContract, EventEnvelope } from '@stac/contracts';
import { traceparentOf } from '@stac/observability';
import { appendRow } from '@stac/persistence';
import type { EventHeaders } from './headers';

export interface OutboxEntry<T extends object> {
  caseId?: string;
  personIds?: string[];
  aggregateVersion: number;
  detailUrl?: string;
  additionalInformation: T;
}

/**
 * Writes a domain event into the outbox with the state change it belongs to: callers pass the
 * EntityManager of their open transaction, so the event exists if and only if the change commits.
 * Publishing is the relay's job, never the request path's.
 */
export class Outbox {
  constructor(private readonly producer: string) {}

  async enqueue<T extends object>(
    manager: EntityManager,
    contract: EventContract<T>,
    entry: OutboxEntry<T>,
    headers: EventHeaders,
  ): Promise<EventEnvelope<T>> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error('Outbox.enqueue must run inside the transaction of the state change');
    }
    const envelope: EventEnvelope<T> = {
      id: randomUUID(),
      eventType: contract.eventType,
      version: contract.version,
      occurredAt: new Date().toISOString(),
      producer: this.producer,
      ...(entry.caseId ? { caseId: entry.caseId } : {}),
      ...(entry.personIds?.length
        ? { personReference: { identifiers: entry.personIds.map((value) => ({ type: 'STAC_PERSON' as const, value })) } }
        : {}),
      aggregateVersion: entry.aggregateVersion,
      ...(entry.detailUrl ? { detailUrl: entry.detailUrl } : {}),
      additionalInformation: entry.additionalInformation,
    };
    await appendRow(manager, 'INSERT INTO outbox (id, subject, envelope, headers) VALUES ($1, $2, $3, $4)', [
      envelope.id,
      contract.subject,
      JSON.stringify(envelope),
      // The span the row is written in (the request's or the event handler's), when tracing is on: the
      // relay's publish span continues that trace.
      JSON.stringify({ ...headers, traceparent: traceparentOf() ?? headers.traceparent }),
    ]);
    return envelope;
  }
}
