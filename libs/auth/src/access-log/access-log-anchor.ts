import { createHmac, timingSafeEqual } from 'node:crypto';
import { JetStreamApiError, RetentionPolicy, StorageType, DiscardPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { ANCHOR_STREAM, anchorStreamName, anchorSubject } from '@stac/messaging';
import type { ChainAnchor, ChainKey } from './access-log';

/**
 * The chain head, anchored outside the database (LAW-07): each service publishes its newest (position, hash)
 * at an interval to the JetStream stream AUDIT_ANCHORS, which denies message deletion and purging, so that
 * deleting the newest rows (and every trace of them) from the database leaves the chain behind its anchor.
 * The anchor carries its own HMAC under the chain key: an older (position, hash) pair copied from the
 * database cannot be replayed as a newer anchor by someone without the key.
 */
// The stream's and subjects' names live with the bus permissions (libs/messaging), which grant each service
// its own anchor subject only.
export { ANCHOR_STREAM, anchorStreamName, anchorSubject };

export interface AnchorMessage extends ChainAnchor {
  service: string;
  anchoredAt: string;
  mac: string;
}

function anchorMac(key: ChainKey, a: Omit<AnchorMessage, 'mac'>): string {
  return createHmac('sha256', key.bytes)
    .update(`stac-audit-anchor\n${a.service}\n${a.chainSeq}\n${a.hash}\n${a.anchoredAt}`)
    .digest('hex');
}

export function signAnchor(key: ChainKey, service: string, head: ChainAnchor, anchoredAt = new Date()): AnchorMessage {
  const a = { service, chainSeq: head.chainSeq, hash: head.hash, anchoredAt: anchoredAt.toISOString() };
  return { ...a, mac: anchorMac(key, a) };
}

export class AnchorError extends Error {
  override name = 'AnchorError';
}

/** The anchor's fields if its MAC holds under `key`; throws otherwise. */
export function checkAnchor(key: ChainKey, service: string, raw: unknown): AnchorMessage {
  const a = raw as Partial<AnchorMessage> | null;
  if (
    !a ||
    a.service !== service ||
    typeof a.chainSeq !== 'string' ||
    !/^\d{1,19}$/.test(a.chainSeq) ||
    typeof a.hash !== 'string' ||
    typeof a.anchoredAt !== 'string' ||
    typeof a.mac !== 'string'
  )
    throw new AnchorError('anchor malformed');
  const expected = Buffer.from(anchorMac(key, a as AnchorMessage), 'hex');
  const given = Buffer.from(a.mac, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new AnchorError('anchor MAC invalid');
  return a as AnchorMessage;
}

/** Creates AUDIT_ANCHORS if missing: file storage, no deletion, no purge; old anchors roll off per subject. */
export async function ensureAnchorStream(nc: NatsConnection, namespace = ''): Promise<void> {
  const jsm = await jetstreamManager(nc);
  const name = anchorStreamName(namespace);
  try {
    await jsm.streams.info(name);
    return;
  } catch (e) {
    if (!(e instanceof JetStreamApiError && (e.status === 404 || /not found/i.test(e.message)))) throw e;
  }
  try {
    await jsm.streams.add({
      name,
      subjects: [anchorSubject('*', namespace)],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      discard: DiscardPolicy.Old,
      max_msgs_per_subject: 100_000,
      deny_delete: true,
      deny_purge: true,
    });
  } catch (e) {
    // Another service created it between our info and add.
    if (!(e instanceof JetStreamApiError && /already in use|exists/i.test(e.message))) throw e;
  }
}

export async function publishAnchor(nc: NatsConnection, anchor: AnchorMessage, namespace = ''): Promise<void> {
  const js = jetstream(nc);
  await js.publish(anchorSubject(anchor.service, namespace), JSON.stringify(anchor));
}

/** The newest anchor of a service, its MAC checked; null when it never anchored. */
export async function latestAnchor(
  nc: NatsConnection,
  key: ChainKey,
  service: string,
  namespace = '',
): Promise<AnchorMessage | null> {
  const jsm = await jetstreamManager(nc);
  let msg;
  try {
    msg = await jsm.streams.getMessage(anchorStreamName(namespace), { last_by_subj: anchorSubject(service, namespace) });
  } catch (e) {
    if (e instanceof JetStreamApiError && (e.status === 404 || /not found/i.test(e.message))) return null;
    throw e;
  }
  if (!msg) return null;
  let body: unknown;
  try {
    body = msg.json();
  } catch {
    throw new AnchorError('anchor malformed');
  }
  return checkAnchor(key, service, body);
}
