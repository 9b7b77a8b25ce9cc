import { getMetadataStorage } from 'class-validator';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import type { CatalogueEvent } from './event-catalogue';
import { nestedTypeMetadata } from '@stac/contracts';

const REF = '#/components/schemas/';

/** The envelope every event travels in (HMPPS domain-event field names); `additionalInformation` is the event's own payload. */
function envelopeSchema(payloadRef: string) {
  return {
    type: 'object',
    required: ['id', 'eventType', 'version', 'occurredAt', 'producer', 'aggregateVersion', 'additionalInformation'],
    properties: {
      id: { type: 'string', format: 'uuid', description: 'Event id; also the JetStream message id (deduplication)' },
      eventType: { type: 'string' },
      version: { type: 'integer', minimum: 1 },
      occurredAt: { type: 'string', format: 'date-time' },
      producer: { type: 'string' },
      caseId: { type: 'string', format: 'uuid' },
      personReference: {
        type: 'object',
        properties: {
          identifiers: {
            type: 'array',
            maxItems: 10,
            items: { type: 'object', properties: { type: { const: 'STAC_PERSON' }, value: { type: 'string', format: 'uuid' } } },
          },
        },
      },
      aggregateVersion: { type: 'integer', minimum: 0 },
      detailUrl: { type: 'string', description: 'Where an authorised reader asks the owner for detail' },
      additionalInformation: { $ref: payloadRef },
    },
  };
}

/**
 * AsyncAPI 3.0 description of the domain events: one channel per subject, the producer's send
 * operation and one receive operation per consuming service (from its `@OnEvent` declarations).
 */
export function asyncApiDocument(events: CatalogueEvent[]): Record<string, unknown> {
  // Nested lists (an event's panel seats) need class-transformer's @Type() metadata to name their element class.
  const all = validationMetadatasToSchemas({
    refPointerPrefix: REF,
    classValidatorMetadataStorage: getMetadataStorage(),
    classTransformerMetadataStorage: nestedTypeMetadata,
  });
  const schemas: Record<string, unknown> = {};
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  const keep = (name: string) => {
    if (schemas[name] || !all[name]) return;
    schemas[name] = all[name];
    for (const m of JSON.stringify(all[name]).matchAll(/"#\/components\/schemas\/(\w+)"/g)) keep(m[1]);
  };
  for (const e of events) {
    keep(e.name);
    if (!schemas[e.name]) schemas[e.name] = { type: 'object', additionalProperties: false };
    schemas[`${e.name}Envelope`] = envelopeSchema(`${REF}${e.name}`);
    messages[e.name] = {
      name: e.contract.eventType,
      title: e.subject,
      contentType: 'application/json',
      headers: {
        type: 'object',
        description: 'NATS headers: correlation and causation ids and the W3C trace context; never personal data',
        properties: { 'Nats-Msg-Id': { type: 'string' }, 'x-correlation-id': { type: 'string' }, 'x-causation-id': { type: 'string' }, traceparent: { type: 'string' } },
      },
      payload: { $ref: `${REF}${e.name}Envelope` },
    };
    const channel = e.name;
    channels[channel] = {
      address: e.subject,
      description: `Stream ${e.stream}; produced by ${e.producer}`,
      messages: { [e.name]: { $ref: `#/components/messages/${e.name}` } },
    };
    operations[`${e.name}.send`] = {
      action: 'send',
      summary: `${e.producer} publishes ${e.subject} through its outbox`,
      channel: { $ref: `#/channels/${channel}` },
      messages: [{ $ref: `#/channels/${channel}/messages/${e.name}` }],
    };
    for (const consumer of e.consumers) {
      operations[`${e.name}.receive.${consumer}`] = {
        action: 'receive',
        summary: `${consumer} consumes ${e.subject} (durable consumer ${consumer} on ${e.stream}, inbox-deduplicated, ack after commit)`,
        channel: { $ref: `#/channels/${channel}` },
        messages: [{ $ref: `#/channels/${channel}/messages/${e.name}` }],
      };
    }
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'S-TAC platform domain events',
      version: '1.0.0',
      description:
        'Thin domain events (ids, codes, dates, levels; never names, addresses, free text or health detail) published by each service ' +
        'to its own JetStream stream through a transactional outbox. Generated from libs/contracts by `pnpm run docs`.',
    },
    defaultContentType: 'application/json',
    servers: { jetstream: { host: 'nats:4222', protocol: 'nats', description: 'NATS JetStream (one stream per producing service)' } },
    channels,
    operations,
    components: { messages, schemas },
  };
}
