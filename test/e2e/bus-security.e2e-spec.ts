import 'reflect-metadata';
import request from 'supertest';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { STREAMS } from '@stac/contracts';
import { deadLetterStreamName, inboxPrefix, streamName, wireSubject, type BusUser } from '@stac/messaging';
import { eventually } from '@stac/testing';
import { syntheticReferral } from './builders';
import { startStack, tokenFor, type Stack } from './stack-harness';

jest.setTimeout(60_000);

/**
 * BUS-01/BUS-02 on a real, permissioned bus: the stack runs on its own nats-server configured from
 * libs/messaging/src/bus-permissions.ts (one account, a user per service and tool with its allow-lists,
 * random passwords, TLS with a throwaway CA), every service connected as its own user. A referral crosses
 * every service (the permissions suffice), and each service's credentials are tried against what the
 * security review found anyone on the bus could do.
 */

let stack: Stack;
const open: NatsConnection[] = [];
const stream = (producer: string) => streamName(STREAMS.find((s) => s.producer === producer)!, stack.namespace);
const subject = (s: string) => wireSubject(s, stack.namespace);

/** A connection as one bus user that records the server's permission errors. */
async function as(user: BusUser | 'observer') {
  const nc = await connect(stack.natsOptions(user));
  open.push(nc);
  const errors: string[] = [];
  void (async () => {
    for await (const s of nc.status()) if (s.type === 'error') errors.push(String((s as { error?: Error }).error?.message ?? ''));
  })();
  /** Waits until the server has answered everything sent so far, then whether it refused `what`. */
  const refused = async (kind: 'Publish' | 'Subscription', what: string) =>
    eventually(async () => {
      await nc.flush().catch(() => undefined);
      return errors.some((e) => e.includes(`Permissions Violation for ${kind} to "${what}"`)) || undefined;
    }, { timeoutMs: 5000, intervalMs: 50, what: `the server to refuse ${kind} to ${what}` });
  return { nc, errors, refused };
}

async function messages(name: string): Promise<number> {
  const { nc } = await as('observer');
  return (await (await jetstreamManager(nc)).streams.info(name)).state.messages;
}

beforeAll(async () => {
  stack = await startStack({ bus: 'permissioned' });
}, 240_000);

afterAll(async () => {
  await Promise.all(open.map((nc) => nc.close().catch(() => undefined)));
  await stack?.stop();
}, 60_000);

describe('the bus is authenticated and every service is held to its own allow-lists', () => {
  it('BUS-01: every service connects as its own user and a referral crosses every service (the permissions suffice)', async () => {
    expect(stack.bus).toBeDefined();
    for (const s of ['gateway', 'intake', 'risk-assessment', 'advocacy', 'mental-health', 'probation'] as const) {
      expect(stack.env[s].NATS_USER).toBe(s);
      expect(stack.env[s].NATS_PASSWORD).toMatch(/^[0-9a-f]{24}$/);
      if (stack.bus!.tls) expect(stack.env[s].NATS_TLS_CA).toBe(stack.bus!.tls.ca);
    }
    const token = await tokenFor('police', ['stac-screener'], 'bus-screener');
    const api = (path: string) => request(stack.gatewayUrl).get(path).set('authorization', `Bearer ${token}`).set('x-purpose-of-use', 'safeguarding');
    const res = await request(stack.gatewayUrl)
      .post('/api/v1/referrals')
      .set('authorization', `Bearer ${token}`)
      .set('x-purpose-of-use', 'safeguarding')
      .send(syntheticReferral('BUS'))
      .expect(201);
    const view = await eventually(
      async () => {
        const v = await api(`/api/v1/cases/${res.body.caseId}`).expect(200);
        const parts = [v.body.riskAssessment, v.body.advocacy, v.body.mentalHealth, v.body.probation];
        return parts.every((p) => p.status === 'available') ? v.body : undefined;
      },
      { timeoutMs: 20_000, what: 'all four downstream parts on the case view' },
    );
    expect(view.riskAssessment.data).toMatchObject({ status: 'OPEN', reason: 'NEW_REFERRAL' });
    // Every event went into its producer's stream, and every consumer read it through its own durable.
    expect(await messages(stream('intake'))).toBeGreaterThan(0);
    const { nc } = await as('observer');
    const jsm = await jetstreamManager(nc);
    const durables: string[] = [];
    for await (const c of jsm.consumers.list(stream('intake'))) durables.push(c.name);
    expect(durables.sort()).toEqual(['advocacy', 'intake', 'mental-health', 'probation', 'risk-assessment']);
    // Nothing any service did on the way was refused: no permissions violation in the server's log yet.
    expect(stack.bus!.violations()).toEqual([]);
  });

  it('BUS-01: a connection without credentials, or with another user\'s password, is refused', async () => {
    const tls = stack.natsOptions('observer').tls;
    await expect(connect({ servers: stack.natsOptions().servers, tls, timeout: 5000 } as never)).rejects.toThrow(/Authorization Violation/);
    await expect(
      connect({ ...stack.natsOptions('advocacy'), pass: stack.bus!.passwords.get('intake') } as never),
    ).rejects.toThrow(/Authorization Violation/);
    if (stack.bus!.tls) {
      // TLS is required: a plain-text client with the right password gets nowhere.
      const { tls: _tls, ...plain } = stack.natsOptions('advocacy');
      await expect(connect({ ...plain, tls: null } as never)).rejects.toThrow();
    }
  });

  it("BUS-02: a service's credentials cannot publish into another service's stream, so the subject names the producer", async () => {
    const before = await messages(stream('risk-assessment'));
    const advocacy = await as('advocacy');
    const forged = subject('risk.assessment.level-changed.v1');
    await expect(jetstream(advocacy.nc).publish(forged, '{"forged":true}', { timeout: 3000 })).rejects.toThrow(/Permissions Violation for Publish/);
    advocacy.nc.publish(subject('intake.case.referred.v1'), '{"forged":true}');
    await advocacy.refused('Publish', subject('intake.case.referred.v1'));
    // Nor another's dead letters or access-log anchor.
    advocacy.nc.publish(subject('deadletter.intake.INTAKE'), 'x');
    await advocacy.refused('Publish', subject('deadletter.intake.INTAKE'));
    advocacy.nc.publish(subject('audit.anchor.intake'), 'x');
    await advocacy.refused('Publish', subject('audit.anchor.intake'));
    expect(await messages(stream('risk-assessment'))).toBe(before);
    // The gateway calls services and keeps its rate limit: no event, no other stream.
    const gateway = await as('gateway');
    gateway.nc.publish(subject('intake.case.referred.v1'), 'x');
    await gateway.refused('Publish', subject('intake.case.referred.v1'));
    const gjsm = await jetstreamManager(gateway.nc);
    await expect(gjsm.streams.info(stream('intake'))).rejects.toThrow(/Permissions Violation/);
    await expect(gjsm.streams.delete(`${stack.namespace.toUpperCase()}_RATE_LIMITS`)).rejects.toThrow(/Permissions Violation/);
  });

  it("BUS-01: a service's credentials cannot take or answer another service's requests, nor read anyone's replies", async () => {
    const advocacy = await as('advocacy');
    // Joining intake's queue group (or listening to its requests at all) is refused.
    advocacy.nc.subscribe(subject('rpc.intake.>'), { queue: 'intake' });
    await advocacy.refused('Subscription', subject('rpc.intake.>'));
    // The gateway's replies (decrypted victim data) arrive under its own inbox prefix only it may read.
    const gatewayInbox = `${inboxPrefix('gateway', stack.namespace)}.>`;
    advocacy.nc.subscribe(gatewayInbox);
    await advocacy.refused('Subscription', gatewayInbox);
    advocacy.nc.subscribe('_INBOX.>');
    await advocacy.refused('Subscription', '_INBOX.>');
    advocacy.nc.subscribe('>');
    await advocacy.refused('Subscription', '>');
    // A reply is allowed only to a request the service received: a forged answer to the gateway is refused.
    const forgedReply = `${inboxPrefix('gateway', stack.namespace)}.forged`;
    advocacy.nc.publish(forgedReply, '{"response":{}}');
    await advocacy.refused('Publish', forgedReply);
    // And a service's token, sniffed, cannot be sent straight to another service past the gateway's limits.
    advocacy.nc.publish(subject('rpc.intake.cases.get'), '{}');
    await advocacy.refused('Publish', subject('rpc.intake.cases.get'));
  });

  it("BUS-01: a service's credentials cannot delete or purge a stream, delete a message or touch another's consumer", async () => {
    const intakeBefore = await messages(stream('intake'));
    const advocacy = await as('advocacy');
    const jsm = await jetstreamManager(advocacy.nc);
    await expect(jsm.streams.delete(stream('intake'))).rejects.toThrow(/Permissions Violation/);
    await expect(jsm.streams.purge(stream('intake'))).rejects.toThrow(/Permissions Violation/);
    // Not even its own stream or the dead letters.
    await expect(jsm.streams.delete(stream('advocacy'))).rejects.toThrow(/Permissions Violation/);
    await expect(jsm.streams.purge(stream('advocacy'))).rejects.toThrow(/Permissions Violation/);
    await expect(jsm.streams.purge(deadLetterStreamName(stack.namespace))).rejects.toThrow(/Permissions Violation/);
    await expect(jsm.streams.deleteMessage(stream('intake'), 1)).rejects.toThrow(/Permissions Violation/);
    // Nor change another's stream (only create it when missing).
    await expect(jsm.streams.update(stream('intake'), { max_age: 1_000_000_000 })).rejects.toThrow(/Permissions Violation/);
    // Another service's durable consumer: no info, no pull, no delete.
    await expect(jsm.consumers.info(stream('intake'), 'risk-assessment')).rejects.toThrow(/Permissions Violation/);
    await expect(jsm.consumers.delete(stream('intake'), 'risk-assessment')).rejects.toThrow(/Permissions Violation/);
    const js = jetstream(advocacy.nc);
    await expect(js.consumers.get(stream('intake'), 'risk-assessment')).rejects.toThrow(/Permissions Violation/);
    expect(await messages(stream('intake'))).toBe(intakeBefore);
  });

  it("BUS-01: the server logged the refusals above, each against the test's own connections, none against a service's", () => {
    const lines = stack.bus!.violations();
    expect(lines.length).toBeGreaterThan(10);
    // Each line names the client id of the connection refused: every one is a connection this test opened.
    const ours = new Set(open.map((nc) => `cid:${nc.info?.client_id} `));
    expect(lines.filter((l) => ![...ours].some((cid) => l.includes(cid)))).toEqual([]);
  });
});
