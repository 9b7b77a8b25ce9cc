import { createHash } from 'node:crypto';
import { DiscardPolicy, JetStreamApiError, jetstream, jetstreamManager, RetentionPolicy, StorageType, type JetStreamClient, type StreamConfig } from '@nats-io/jetstream';
import { RATE_LIMIT_STREAM, rateLimitStreamName, rateLimitSubjects } from '@stac/rpc';
import type { NatsConnection } from '@nats-io/transport-node';

/** JetStream's error code when a subject already holds `max_msgs_per_subject` messages under discard-new-per-subject. */
const PER_SUBJECT_LIMIT = 10077;
const nanos = (ms: number) => ms * 1_000_000;
/** Keys whose subjects are remembered at once (forgotten all together past it). */
const SUBJECTS_REMEMBERED = 10_000;

// The stream's name lives with the bus users (libs/rpc), whose permissions grant the gateway this stream only (BUS-01).
export { RATE_LIMIT_STREAM, rateLimitStreamName };

export interface SharedRateLimitSettings {
  /** Requests per window per key (RATE_LIMIT_PER_MINUTE): every gateway replica must be given the same. */
  limit: number;
  windowMs: number;
  namespace: string;
  /** Replicas of the limiter's stream (RATE_LIMIT_STREAM_REPLICAS). */
  replicas: number;
  /** Longest wait for the store before the request is answered 503 (REL-05). */
  timeoutMs: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * The per-user / per-address rate limit shared by every gateway replica (API-08), kept in a JetStream
 * stream on the NATS the gateway already uses — no store of its own.
 *
 * Each request publishes one empty message to `ratelimit.<hash of the key>`; the stream keeps at most
 * `limit` messages per subject, each for one window (`max_age`), and refuses a new one on a full subject
 * (`discard: new` per subject). The server decides atomically for every replica, so the limit is a sliding
 * window of `limit` requests per `windowMs` in total, whichever replicas they reach. Cost: one JetStream
 * publish round trip per request; a refusal costs a second one (the oldest message's time, for Retry-After).
 * The key is hashed: no user id or address in a subject (DP-01). The stream is in memory (a NATS restart
 * resets the counts) and recreated when missing.
 */
export class SharedRateLimiter {
  private ready?: Promise<void>;
  /** The JetStream client of the current connection (made once per connection, not per request). */
  private client?: { nc: NatsConnection; js: JetStreamClient };
  /** Subjects of recent keys: a user's next request costs a map lookup instead of a SHA-256. */
  private readonly subjects = new Map<string, string>();

  constructor(
    private readonly connection: () => NatsConnection,
    private readonly s: SharedRateLimitSettings,
  ) {}

  private subject(key: string): string {
    const known = this.subjects.get(key);
    if (known !== undefined) return known;
    const token = createHash('sha256').update(key).digest('hex').slice(0, 32);
    const subject = `${this.s.namespace ? `${this.s.namespace}.` : ''}ratelimit.${token}`;
    if (this.subjects.size >= SUBJECTS_REMEMBERED) this.subjects.clear();
    this.subjects.set(key, subject);
    return subject;
  }

  private jetstream(): JetStreamClient {
    const nc = this.connection();
    if (this.client?.nc !== nc) this.client = { nc, js: jetstream(nc, { timeout: this.s.timeoutMs }) };
    return this.client.js;
  }

  private config(): Partial<StreamConfig> {
    return {
      subjects: [rateLimitSubjects(this.s.namespace)],
      storage: StorageType.Memory,
      retention: RetentionPolicy.Limits,
      discard: DiscardPolicy.New,
      discard_new_per_subject: true,
      max_msgs_per_subject: this.s.limit,
      max_age: nanos(this.s.windowMs),
      num_replicas: this.s.replicas,
      duplicate_window: nanos(Math.min(this.s.windowMs, 120_000)),
    };
  }

  /** Creates the stream, or brings its limit and window to this replica's configuration. */
  ensureStream(): Promise<void> {
    this.ready ??= (async () => {
      const jsm = await jetstreamManager(this.connection(), { timeout: this.s.timeoutMs });
      const name = rateLimitStreamName(this.s.namespace);
      const want = this.config();
      try {
        const info = await jsm.streams.info(name);
        if (info.config.max_msgs_per_subject !== want.max_msgs_per_subject || info.config.max_age !== want.max_age)
          await jsm.streams.update(name, { ...info.config, max_msgs_per_subject: want.max_msgs_per_subject, max_age: want.max_age });
      } catch (e) {
        if (!(e instanceof JetStreamApiError && (e.status === 404 || /not found/i.test(e.message)))) throw e;
        try {
          await jsm.streams.add({ name, ...want });
        } catch (err) {
          // Another replica created it between our info and add.
          if (!(err instanceof JetStreamApiError && /already in use|exists/i.test(err.message))) throw err;
        }
      }
    })().catch((e: unknown) => {
      this.ready = undefined;
      throw e;
    });
    return this.ready;
  }

  /** Counts one request against `key`; refused when the key used its `limit` in the last window. */
  async take(key: string): Promise<RateDecision> {
    const subject = this.subject(key);
    for (let attempt = 0; ; attempt++) {
      await this.ensureStream();
      const js = this.jetstream();
      try {
        await js.publish(subject, new Uint8Array(0), { expect: { streamName: rateLimitStreamName(this.s.namespace) } });
        return { allowed: true };
      } catch (e) {
        if (e instanceof JetStreamApiError && e.code === PER_SUBJECT_LIMIT) return { allowed: false, retryAfterSeconds: await this.retryAfter(subject) };
        // The stream went away (a NATS restart lost the in-memory stream, someone deleted it): create it
        // again and count this request in the new one.
        // The server needs a moment before a new stream answers publishes: a few short retries.
        if (attempt < 3 && /no responders|not enabled|stream not found|503/i.test(`${(e as Error).name} ${(e as Error).message}`)) {
          this.ready = undefined;
          await new Promise((r) => setTimeout(r, 50 * attempt));
          continue;
        }
        throw e;
      }
    }
  }

  /** Seconds until the oldest request of the window ages out and frees a place. */
  private async retryAfter(subject: string): Promise<number> {
    try {
      const jsm = await jetstreamManager(this.connection(), { timeout: this.s.timeoutMs });
      // The first message of the subject (next_by_subj from sequence 0), which the server answers though the
      // client's type names only seq and last_by_subj.
      const oldest = await jsm.streams.getMessage(rateLimitStreamName(this.s.namespace), { next_by_subj: subject, seq: 0 } as unknown as { seq: number });
      if (oldest) return Math.max(1, Math.ceil((oldest.time.getTime() + this.s.windowMs - Date.now()) / 1000));
    } catch {
      /* the answer stays a 429; only the hint is coarser */
    }
    return Math.ceil(this.s.windowMs / 1000);
  }
}
