import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Principal } from '@stac/auth';
import type { KeyRing } from '@stac/persistence';
import { rpcProblem } from '@stac/rpc';

/** Canonical JSON (sorted keys) so the same body always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

export interface IdempotentCommand {
  principal: Principal;
  idempotencyKey?: string;
  /** Names the command, so one key can never replay another command's answer. */
  command: string;
  body: unknown;
}

/**
 * A service's table of first answers (key, request_hash, response), named by its service definition
 * (`DomainServiceDefinition.idempotencyTable`) and handed to every request as `ctx.idempotent()`.
 * A first answer can echo sealed fields (a contact's notes, a person's name), so with the service's key
 * ring it is stored sealed (DP-02): `{"sealed": "<base64 envelope>"}`, bound to the record's key. Answers
 * stored in clear before sealing still replay until `pnpm keys rotate` seals them.
 */
export class IdempotencyRecords {
  constructor(
    readonly table: string,
    private readonly ring?: KeyRing,
  ) {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(table)) throw new Error(`idempotency table "${table}" is not a plain table name`);
  }

  /**
   * Runs a creating command once per Idempotency-Key inside the caller's transaction (REL-04): the key
   * is scoped to the caller and the command; a retry with the same body replays the first answer, a
   * different body under the same key is 422. Without a key the command simply runs.
   */
  async run<T>(m: EntityManager, o: IdempotentCommand, run: () => Promise<T>): Promise<T> {
    if (!o.idempotencyKey) return run();
    const key = `${o.principal.issuer}#${o.principal.subject}#${o.command}#${o.idempotencyKey}`;
    const requestHash = createHash('sha256').update(canonicalJson(o.body)).digest('hex');
    const claimed: unknown[] = await m.query(
      `INSERT INTO ${this.table} (key, request_hash) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING key`,
      [key, requestHash],
    );
    if (claimed.length === 0) {
      const [previous] = await m.query(`SELECT request_hash, response FROM ${this.table} WHERE key = $1`, [key]);
      if (previous.request_hash !== requestHash) {
        throw rpcProblem(422, 'idempotency-key-reused', 'This Idempotency-Key was already used with a different request');
      }
      return this.open(previous.response, key) as T;
    }
    const answer = await run();
    await m.query(`UPDATE ${this.table} SET response = $2 WHERE key = $1`, [key, JSON.stringify(this.seal(answer, key))]);
    return answer;
  }

  private seal(answer: unknown, key: string): unknown {
    if (!this.ring || answer === undefined) return answer;
    return { [SEALED_RESPONSE]: this.ring.encrypt(Buffer.from(JSON.stringify(answer), 'utf8'), key, 'response').toString('base64') };
  }

  private open(stored: unknown, key: string): unknown {
    if (!isSealedResponse(stored)) return stored;
    if (!this.ring) throw new Error('a sealed idempotency answer needs the key ring');
    return JSON.parse(this.ring.decrypt(Buffer.from(stored[SEALED_RESPONSE], 'base64'), key, 'response').toString('utf8'));
  }
}

/** The one property of a sealed first answer (an answer itself is never an object with only this property). */
export const SEALED_RESPONSE = 'sealed';

function isSealedResponse(v: unknown): v is { [SEALED_RESPONSE]: string } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as Record<string, unknown>)[SEALED_RESPONSE] === 'string';
}
