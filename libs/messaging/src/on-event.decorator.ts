import { SetMetadata } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { EventContract, EventEnvelope } from '@stac/contracts';

export const ON_EVENT = Symbol('stac:on-event');

/** What a handler gets besides the event: the open inbox transaction and tracing ids. */
export interface EventContext {
  /** The transaction that also records the inbox row; write through it so the effect is exactly-once. */
  manager: EntityManager;
  envelope: EventEnvelope<unknown>;
  correlationId: string;
  /** The id of the event being handled: use it as the causation id of events this handler emits. */
  causationId: string;
  traceparent?: string;
}

export type EventHandlerFn<T> = (event: T, ctx: EventContext) => Promise<void>;

/**
 * Declares a method as this service's handler of one event contract; discovered at boot.
 * Throw `PermanentEventError` for a message that can never succeed; anything else is retried.
 */
export function OnEvent<T extends object>(contract: EventContract<T>): MethodDecorator {
  return SetMetadata(ON_EVENT, contract);
}

/** A message this handler can never process (invalid reference, impossible state): dead-lettered at once. */
export class PermanentEventError extends Error {
  override readonly name = 'PermanentEventError';
}

/** The case an event is about; an event that should name one and does not can never be processed. */
export function caseIdOf(ctx: EventContext): string {
  if (!ctx.envelope.caseId) throw new PermanentEventError(`${ctx.envelope.eventType} without caseId`);
  return ctx.envelope.caseId;
}
