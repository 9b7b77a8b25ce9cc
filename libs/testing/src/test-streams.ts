import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { uniqueToken } from './test-database';

/**
 * Size limit (MiB) of a test's event streams. JetStream reserves a stream's `max_bytes` against the
 * server's storage when the stream is created, so a test stack with production limits (1 GiB per
 * stream) reserves gigabytes on the shared server for a few kilobytes of events.
 */
export const TEST_STREAM_MAX_MB = '64';

/** A fresh NATS_NAMESPACE for one test's streams, with the small size limit above. */
export function testStreamEnv(): { NATS_NAMESPACE: string; EVENT_STREAM_MAX_MB: string } {
  return { NATS_NAMESPACE: uniqueToken(), EVENT_STREAM_MAX_MB: TEST_STREAM_MAX_MB };
}

/** Deletes every JetStream stream of one NATS_NAMESPACE (`<NAMESPACE>_<stream>`). */
export async function deleteNamespaceStreams(natsUrl: string, namespace: string): Promise<void> {
  const nc = await connect({ servers: natsUrl.split(','), timeout: 5000 });
  try {
    const jsm = await jetstreamManager(nc);
    const prefix = `${namespace.toUpperCase()}_`;
    const names: string[] = [];
    for await (const name of jsm.streams.names()) if (name.startsWith(prefix)) names.push(name);
    for (const name of names) await jsm.streams.delete(name).catch(() => false);
  } finally {
    await nc.close();
  }
}

/** Stream names only tests make: the messaging harness, int-test and e2e namespaces, bench stacks. */
export const TEST_STREAM_NAME = /^(T_T[A-P]{8}|T[A-P]{8}_.+|E[0-9A-F]{8}_.+|BENCH[0-9A-F]{6}_.+)$/;

/**
 * Removes event streams that test runs killed part-way (a timeout, Ctrl-C, a crashed worker) left on a
 * shared NATS server. JetStream reserves each stream's size limit against the server's storage, so
 * enough of them make every later stream creation fail with "insufficient storage resources
 * available". Only streams named like a test's and older than `olderThanMs` go, so a run going on
 * beside this one keeps its own. Returns the names removed.
 */
export async function sweepTestStreams(
  natsUrl: string,
  {
    olderThanMs = 3600_000,
    now = Date.now(),
    isTestStream = (name: string) => TEST_STREAM_NAME.test(name),
  } = {},
): Promise<string[]> {
  const nc = await connect({ servers: natsUrl.split(','), timeout: 5000 });
  const removed: string[] = [];
  try {
    const jsm = await jetstreamManager(nc);
    const stale: string[] = [];
    for await (const info of jsm.streams.list()) {
      if (isTestStream(info.config.name) && now - Date.parse(info.created) > olderThanMs) stale.push(info.config.name);
    }
    for (const name of stale) if (await jsm.streams.delete(name).catch(() => false)) removed.push(name);
  } finally {
    await nc.close();
  }
  return removed;
}
