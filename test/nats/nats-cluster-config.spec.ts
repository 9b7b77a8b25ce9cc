import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SERVICE_ENV, loadConfig } from '@stac/config';
import { parseNatsConf, type NatsConfValue } from './nats-conf';

// There is no NATS cluster on the development and CI machines: the shipped cluster configuration has to
// be right by construction (nats-cluster.int-spec.ts also boots three servers from it on loopback).

const root = resolve(__dirname, '../..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const CLUSTER_CONF = 'deploy/nats/cluster/nats.conf';
const conf = parseNatsConf(read(CLUSTER_CONF));
const block = (v: NatsConfValue | undefined) => v as Record<string, NatsConfValue>;

describe('the shipped NATS cluster configuration (deploy/nats/cluster/nats.conf)', () => {
  it('reads the format it claims (a mistake in the reader fails here, not silently)', () => {
    expect(parseNatsConf('a: 1\nb { c = "x y" // note\n d [1, 2\n 3] }\n# end')).toEqual({
      a: '1',
      b: { c: 'x y', d: ['1', '2', '3'] },
    });
    expect(() => parseNatsConf('a { b: 1')).toThrow(/missing/);
  });

  it('REL-06: every server keeps JetStream on file storage with sync_interval always, like the single server', () => {
    const single = parseNatsConf(read('deploy/nats/nats.conf'));
    const js = block(conf.jetstream);
    expect(js.sync_interval).toBe('always');
    expect(js.store_dir).toBe(block(single.jetstream).store_dir);
    expect(js.max_file_store).toMatch(/^[1-9]\d*\s*[KMGT]?B?$/i);
    expect(conf.max_payload).toBe(single.max_payload);
  });

  it('REL-07: three servers in one named cluster, each routed to all three, each with its own name from the environment', () => {
    expect(conf.server_name).toBe('$NATS_SERVER_NAME');
    expect(conf.listen).toBe('0.0.0.0:4222');
    expect(conf.http).toBe('127.0.0.1:8222'); // BUS-01: monitoring on the server's own loopback only
    const cluster = block(conf.cluster);
    expect(cluster.name).toBe('stac');
    expect(cluster.listen).toBe('0.0.0.0:6222');
    const routes = cluster.routes as string[];
    expect(routes).toHaveLength(3);
    const hosts = routes.map((r) => {
      const u = new URL(r);
      expect(u.protocol).toBe('nats-route:');
      expect(u.port).toBe('6222');
      return u.hostname;
    });
    expect(new Set(hosts)).toEqual(new Set(['nats-1', 'nats-2', 'nats-3']));
    expect(conf.lame_duck_duration).toMatch(/^\d+s$/);
  });

  it('REL-07: the services run R3 on it: EVENT_STREAM_REPLICAS=3 and every server in NATS_URL is a valid configuration', () => {
    const env = {
      DATABASE_URL: 'postgres://intake@db:5432/stac_intake',
      INTAKE_DATA_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
      INTAKE_SEARCH_KEY: Buffer.alloc(32, 8).toString('base64'),
      AUDIT_CHAIN_KEY: Buffer.alloc(32, 9).toString('base64'),
      NATS_URL: 'nats://nats-1:4222,nats://nats-2:4222,nats://nats-3:4222',
      EVENT_STREAM_REPLICAS: '3',
      NATS_USER: 'intake',
      NATS_PASSWORD: 'from-the-secret-store',
      NATS_TLS_CA: '/etc/stac/nats-ca.crt',
    };
    const c = loadConfig(SERVICE_ENV.intake, env);
    expect(c.EVENT_STREAM_REPLICAS).toBe(3);
    expect(c.NATS_URL.split(',')).toHaveLength(3);
  });

  it('is documented in docs/operations.md with the settings the services need', () => {
    const ops = read('docs/operations.md');
    expect(ops).toContain(CLUSTER_CONF);
    expect(ops).toMatch(/EVENT_STREAM_REPLICAS=3/);
    expect(ops).toMatch(/NATS_SERVER_NAME/);
  });
});
