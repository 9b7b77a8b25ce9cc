import type { JetStreamClient } from '@nats-io/jetstream';
import type { Client } from 'pg';
import { toNatsHeaders, type EventHeaders } from './headers';
import { wireSubject } from './provisioning';

export interface ReconcileResult {
  read: number;
  published: number;
  /** Dropped by the server as already stored (same event id inside the duplicate window). */
  duplicates: number;
}

/**
 * Re-publishes a service's retained outbox rows (published or not) in their original order, to
 * rebuild a lost or damaged stream. Each message keeps msgID = event id, so the server drops what
 * it still holds inside its duplicate window, and every consumer's inbox makes any older repeat
 * harmless: running it twice has no second effect.
 */
export async function reconcileOutbox(
  client: Client,
  js: JetStreamClient,
  o: { namespace?: string; since?: Date; batchSize?: number; onProgress?: (r: ReconcileResult) => void } = {},
): Promise<ReconcileResult> {
  const result: ReconcileResult = { read: 0, published: 0, duplicates: 0 };
  const batch = o.batchSize ?? 500;
  let after = '0';
  for (;;) {
    const { rows } = await client.query<{
      seq: string;
      id: string;
      subject: string;
      envelope: string;
      headers: EventHeaders;
    }>(
      `SELECT seq, id, subject, envelope::text AS envelope, headers FROM outbox
        WHERE seq > $1 AND created_at >= $2 ORDER BY seq LIMIT $3`,
      [after, o.since ?? new Date(0), batch],
    );
    if (rows.length === 0) return result;
    for (const r of rows) {
      const ack = await js.publish(wireSubject(r.subject, o.namespace), r.envelope, {
        msgID: r.id,
        headers: toNatsHeaders(r.headers),
        timeout: 5000,
      });
      result.read++;
      if (ack.duplicate) result.duplicates++;
      else result.published++;
    }
    // Rows the relay had not published yet are published now: mark them so it does not repeat them.
    await client.query(
      'UPDATE outbox SET published_at = now() WHERE seq = ANY($1::bigint[]) AND published_at IS NULL',
      [rows.map((r) => r.seq)],
    );
    after = rows[rows.length - 1].seq;
    o.onProgress?.(result);
  }
}
