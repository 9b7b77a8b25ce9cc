import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DuplicateCandidate } from './duplicate-candidate.entity';
import { blockingKeys, prepareMatch, probeKeys, type KeyedHash, type MatchOptions, type MatchResult, type PersonIdentity } from './duplicate-matching';
import { Person } from './person.entity';
import { PersonalDataCipher } from './personal-data-cipher';
import type { WriteBatch } from '@stac/persistence';

export interface PersonIdentifierValue {
  kind: string;
  value: string;
}

/** A previous name or alias, with the dates it was used when known. */
export interface OtherNameValue {
  kind: string;
  givenName?: string | null;
  familyName?: string | null;
  usedFrom?: string | null;
  usedTo?: string | null;
}

export interface NewPersonRecord {
  id?: string;
  givenName?: string | null;
  familyName?: string | null;
  dateOfBirth?: string | null;
  identityKnown: boolean;
  identifiers?: PersonIdentifierValue[];
  otherNames?: OtherNameValue[];
  contact?: { phone?: string; email?: string } | null;
  location?: { address?: string; postcode?: string } | null;
}

/** A person's identity as decrypted in memory; never logged, never in an event. */
export interface DecryptedIdentity {
  givenName: string | null;
  familyName: string | null;
  dateOfBirth: string | null;
  identifiers: PersonIdentifierValue[];
  otherNames: OtherNameValue[];
}

export interface ScoredCandidate {
  person: Person;
  identity: DecryptedIdentity;
  match: MatchResult;
}

/**
 * Candidates fetched from the blocking index before scoring, and index entries read per key: bounds the
 * work of a very common name (a surname shared by thousands reads 60 entries, not thousands). Each key
 * counts in inverse proportion to the people it holds, so a rare key (this given name with this date of
 * birth) outweighs many common ones (the one-edit forms of a common name), and the true match of a full
 * name is never near the cut however common the name.
 */
const MAX_BLOCK_CANDIDATES = 120;
const PER_KEY_CANDIDATES = 60;

type CandidateOptions = MatchOptions & { exclude?: string[]; limit?: number; maxRows?: number; perKey?: number };

/**
 * The people register's storage: encrypts on the way in (DP-02), maintains the keyed-hash blocking keys,
 * finds and grades candidates. No access decisions here: callers authorise and audit.
 */
@Injectable()
export class PersonRecords {
  constructor(@Inject(PersonalDataCipher) private readonly cipher: PersonalDataCipher) {}

  private readonly hash: KeyedHash = (label, value) => this.cipher.keyedHash(label, value);

  /**
   * A keyed hash that remembers its answers, for one request whose people are hashed more than once (a
   * referral's new people: their stored match keys, then the duplicate probe of the same names). Made per
   * request and dropped with it: no name outlives the request in memory.
   */
  rememberingHash(): KeyedHash {
    const known = new Map<string, Buffer>();
    return (label, value) => {
      const k = `${label}\u0000${value}`;
      let h = known.get(k);
      if (!h) known.set(k, (h = this.hash(label, value)));
      return h;
    };
  }

  async create(m: EntityManager, r: NewPersonRecord): Promise<Person> {
    const { person, keys } = this.prepare(r);
    await m.insert(Person, person);
    // Previous names get the same keys as the current one: found by search and duplicate detection alike.
    if (keys.length) {
      await m.query('INSERT INTO person_match_key (key, person_id) SELECT unnest($1::bytea[]), $2 ON CONFLICT DO NOTHING', [keys, person.id]);
    }
    const now = new Date();
    return Object.assign(new Person(), person, { createdAt: now, updatedAt: now });
  }

  /**
   * New people's rows and match keys as `create` writes them, added to a batch of writes sent as one
   * statement (a referral's victim and person of concern). Returns the ids.
   */
  createInBatch(batch: WriteBatch, records: NewPersonRecord[], hash = this.hash): string[] {
    const prepared = records.map((r) => this.prepare(r, hash));
    const col = <K extends keyof Person>(k: K) => prepared.map((p) => p.person[k] ?? null);
    batch.add(
      `INSERT INTO person (id, identity_enc, identifiers_enc, other_names_enc, contact_enc, location_enc, identity_known, version)
       SELECT t.id, t.identity_enc, t.identifiers_enc, t.other_names_enc, t.contact_enc, t.location_enc, t.identity_known, 1
         FROM unnest($1::uuid[], $2::bytea[], $3::bytea[], $4::bytea[], $5::bytea[], $6::bytea[], $7::boolean[])
           AS t(id, identity_enc, identifiers_enc, other_names_enc, contact_enc, location_enc, identity_known)`,
      [col('id'), col('identityEnc'), col('identifiersEnc'), col('otherNamesEnc'), col('contactEnc'), col('locationEnc'), col('identityKnown')],
    );
    const keys = prepared.flatMap((p) => p.keys.map((key) => ({ key, id: p.person.id! })));
    if (keys.length) {
      batch.add('INSERT INTO person_match_key (key, person_id) SELECT * FROM unnest($1::bytea[], $2::uuid[]) ON CONFLICT DO NOTHING', [
        keys.map((k) => k.key),
        keys.map((k) => k.id),
      ]);
    }
    return prepared.map((p) => p.person.id!);
  }

  /** A new person's row, its personal fields sealed with the agency key (DP-02), and its keyed-hash match keys. */
  private prepare(r: NewPersonRecord, hash = this.hash): { person: Partial<Person>; keys: Buffer[] } {
    const id = r.id ?? randomUUID();
    const identity = { givenName: r.givenName ?? null, familyName: r.familyName ?? null, dateOfBirth: r.dateOfBirth ?? null };
    const hasIdentity = Object.values(identity).some((v) => v !== null);
    const identifiers = r.identifiers?.length ? r.identifiers.map((i) => ({ kind: i.kind, value: i.value })) : null;
    const otherNames = r.otherNames?.length
      ? r.otherNames.map((n) => ({
          kind: n.kind,
          givenName: n.givenName ?? null,
          familyName: n.familyName ?? null,
          usedFrom: n.usedFrom ?? null,
          usedTo: n.usedTo ?? null,
        }))
      : null;
    const person: Partial<Person> = {
      id,
      identityEnc: hasIdentity ? this.cipher.seal(identity, id, 'identity') : null,
      identifiersEnc: identifiers ? this.cipher.seal(identifiers, id, 'identifiers') : null,
      otherNamesEnc: otherNames ? this.cipher.seal(otherNames, id, 'other_names') : null,
      contactEnc: r.contact && Object.keys(r.contact).length ? this.cipher.seal(r.contact, id, 'contact') : null,
      locationEnc: r.location && Object.keys(r.location).length ? this.cipher.seal(r.location, id, 'location') : null,
      identityKnown: r.identityKnown,
      version: 1,
    };
    // Previous names get the same keys as the current one: found by search and duplicate detection alike.
    return { person, keys: blockingKeys({ ...identity, identifiers, otherNames }, hash) };
  }

  /**
   * Adds a previous name or alias to a person already on the register (the row locked by the caller):
   * the other names sealed again with the new one last, the version moved on, and the new name's match
   * keys added beside the existing ones, so it is searched and matched like the current name.
   */
  async addOtherName(
    m: Pick<EntityManager, 'query'>,
    person: { id: string; identity: DecryptedIdentity },
    name: OtherNameValue,
  ): Promise<{ otherNames: OtherNameValue[]; version: number }> {
    const added = {
      kind: name.kind,
      givenName: name.givenName ?? null,
      familyName: name.familyName ?? null,
      usedFrom: name.usedFrom ?? null,
      usedTo: name.usedTo ?? null,
    };
    const otherNames = [...person.identity.otherNames, added];
    // An UPDATE answers [rows, affected count].
    const [[{ version }]]: [{ version: number }[], number] = await m.query(
      'UPDATE person SET other_names_enc = $2, version = version + 1, updated_at = now() WHERE id = $1 RETURNING version',
      [person.id, this.cipher.seal(otherNames, person.id, 'other_names')],
    );
    const keys = blockingKeys({ ...person.identity, otherNames }, this.hash);
    await m.query('INSERT INTO person_match_key (key, person_id) SELECT unnest($1::bytea[]), $2 ON CONFLICT DO NOTHING', [keys, person.id]);
    return { otherNames, version };
  }

  /**
   * Names a person recorded with identity unknown (the row locked by the caller): identity, identifiers and
   * other names sealed like a new record's, `identity_known` set, the version moved on, and the match keys
   * of the new names added, so search and duplicate detection find the person from now on.
   */
  async recordIdentity(
    m: Pick<EntityManager, 'query'>,
    personId: string,
    r: { givenName?: string | null; familyName?: string | null; dateOfBirth?: string | null; identifiers?: PersonIdentifierValue[]; otherNames?: OtherNameValue[] },
  ): Promise<{ identity: DecryptedIdentity; version: number }> {
    const identity = { givenName: r.givenName ?? null, familyName: r.familyName ?? null, dateOfBirth: r.dateOfBirth ?? null };
    const identifiers = (r.identifiers ?? []).map((i) => ({ kind: i.kind, value: i.value }));
    const otherNames = (r.otherNames ?? []).map((n) => ({
      kind: n.kind,
      givenName: n.givenName ?? null,
      familyName: n.familyName ?? null,
      usedFrom: n.usedFrom ?? null,
      usedTo: n.usedTo ?? null,
    }));
    // An UPDATE answers [rows, affected count].
    const [[{ version }]]: [{ version: number }[], number] = await m.query(
      `UPDATE person SET identity_enc = $2, identifiers_enc = $3, other_names_enc = $4, identity_known = true, version = version + 1, updated_at = now()
        WHERE id = $1 RETURNING version`,
      [
        personId,
        this.cipher.seal(identity, personId, 'identity'),
        identifiers.length ? this.cipher.seal(identifiers, personId, 'identifiers') : null,
        otherNames.length ? this.cipher.seal(otherNames, personId, 'other_names') : null,
      ],
    );
    const keys = blockingKeys({ ...identity, identifiers, otherNames }, this.hash);
    if (keys.length) {
      await m.query('INSERT INTO person_match_key (key, person_id) SELECT unnest($1::bytea[]), $2 ON CONFLICT DO NOTHING', [keys, personId]);
    }
    return { identity: { ...identity, identifiers, otherNames }, version };
  }

  identityOf(p: Pick<Person, 'id' | 'identityEnc' | 'identifiersEnc'> & { otherNamesEnc?: Buffer | null }): DecryptedIdentity {
    const identity = p.identityEnc
      ? this.cipher.open<{ givenName: string | null; familyName: string | null; dateOfBirth: string | null }>(p.identityEnc, p.id, 'identity')
      : { givenName: null, familyName: null, dateOfBirth: null };
    const identifiers = p.identifiersEnc ? this.cipher.open<PersonIdentifierValue[]>(p.identifiersEnc, p.id, 'identifiers') : [];
    const otherNames = p.otherNamesEnc ? this.cipher.open<OtherNameValue[]>(p.otherNamesEnc, p.id, 'other_names') : [];
    return { ...identity, identifiers, otherNames };
  }

  contactOf(p: Person): { phone?: string; email?: string } | null {
    return p.contactEnc ? this.cipher.open(p.contactEnc, p.id, 'contact') : null;
  }

  locationOf(p: Person): { address?: string; postcode?: string } | null {
    return p.locationEnc ? this.cipher.open(p.locationEnc, p.id, 'location') : null;
  }

  /**
   * Candidates for a (possibly partial) identity: one index probe on the keyed hashes, then scoring in
   * memory. Best first.
   */
  async candidates(
    m: Pick<EntityManager, 'query' | 'find'>,
    q: PersonIdentity,
    o: CandidateOptions,
  ): Promise<ScoredCandidate[]> {
    const [found] = await this.candidatesOfMany(m, [q], o);
    return found;
  }

  /**
   * Candidates of several identities (each with its own options) in one statement: the probe of each is
   * the same as `candidates` makes alone, and so is the scoring.
   */
  private async candidatesOfMany(
    m: Pick<EntityManager, 'query'>,
    qs: PersonIdentity[],
    o: CandidateOptions | CandidateOptions[],
    hash = this.hash,
  ): Promise<ScoredCandidate[][]> {
    const options = (i: number) => (Array.isArray(o) ? o[i] : o);
    const probes = qs.map((q, i) => ({ i, keys: probeKeys(q, hash) })).filter((p) => p.keys.length > 0);
    const results: ScoredCandidate[][] = qs.map(() => []);
    if (probes.length === 0) return results;
    const params: unknown[] = [];
    // Bounded per key (a very common name cannot make one lookup scan the register), then the people
    // whose shared keys are rarest first: each key weighs 1 / the entries read for it (a key cut at the
    // limit weighs least). The per-key order is the index's own (key, person_id), so each key is one
    // index range read that stops at the limit (an index-only scan where the table is vacuumed).
    const sql = probes
      .map((p) => {
        const o = options(p.i);
        params.push(p.keys, o.maxRows ?? MAX_BLOCK_CANDIDATES, o.perKey ?? PER_KEY_CANDIDATES);
        const [keys, maxRows, perKey] = [params.length - 2, params.length - 1, params.length];
        return `SELECT ${p.i}::int AS probe, p.id, p.identity_enc, p.identifiers_enc, p.other_names_enc, p.identity_known
         FROM (SELECT k.person_id, sum(1.0 / k.entries) AS weight
                 FROM unnest($${keys}::bytea[]) AS q(key)
                 CROSS JOIN LATERAL (
                   SELECT person_id, count(*) OVER () AS entries
                     FROM (SELECT person_id FROM person_match_key m WHERE m.key = q.key ORDER BY m.key, m.person_id LIMIT $${perKey}) b) k
                GROUP BY k.person_id ORDER BY weight DESC LIMIT $${maxRows}) c
         JOIN person p ON p.id = c.person_id`;
      })
      .join('\n UNION ALL\n');
    const rows: { probe: number; id: string; identity_enc: Buffer | null; identifiers_enc: Buffer | null; other_names_enc: Buffer | null; identity_known: boolean }[] =
      await m.query(sql, params);
    for (const p of probes) {
      const o = options(p.i);
      const exclude = new Set(o.exclude ?? []);
      const grade = prepareMatch(qs[p.i], o);
      const scored: ScoredCandidate[] = [];
      for (const r of rows) {
        if (r.probe !== p.i || exclude.has(r.id)) continue;
        const identity = this.identityOf({ id: r.id, identityEnc: r.identity_enc, identifiersEnc: r.identifiers_enc, otherNamesEnc: r.other_names_enc });
        const match = grade(identity);
        if (!match) continue;
        const person = Object.assign(new Person(), {
          id: r.id,
          identityKnown: r.identity_known,
          identityEnc: r.identity_enc,
          identifiersEnc: r.identifiers_enc,
          otherNamesEnc: r.other_names_enc,
        });
        scored.push({ person, identity, match });
      }
      scored.sort((a, b) => (a.match.grade === b.match.grade ? b.match.score - a.match.score : a.match.grade === 'LIKELY' ? -1 : 1));
      results[p.i] = o.limit ? scored.slice(0, o.limit) : scored;
    }
    return results;
  }

  /**
   * Duplicate detection when a person is added: every LIKELY/POSSIBLE candidate becomes an OPEN proposal
   * for a person to decide. A pair already proposed (or rejected) is not proposed again.
   */
  async detectDuplicates(m: EntityManager, personId: string, identity: PersonIdentity, now: Date): Promise<DuplicateCandidate[]> {
    return this.detectDuplicatesOfMany(m, [{ personId, identity }], now);
  }

  /**
   * `detectDuplicates` for several people added together (a referral's victim and person of concern):
   * one statement finds the candidates of all, one records the proposals, in the order of the people.
   */
  async detectDuplicatesOfMany(
    m: Pick<EntityManager, 'query'>,
    people: { personId: string; identity: PersonIdentity }[],
    now: Date,
    hash = this.hash,
  ): Promise<DuplicateCandidate[]> {
    // The records sharing the most keys are the likely ones; bounded so a very common name (every
    // referral of one synthetic victim, say) costs the same as a rare one.
    const found = await this.candidatesOfMany(
      m,
      people.map((p) => p.identity),
      people.map((p) => ({ mode: 'duplicate' as const, exclude: [p.personId], limit: 10, maxRows: 100, perKey: 50 })),
      hash,
    );
    const rows = people.flatMap((p, i) =>
      found[i].map((c) =>
        Object.assign(new DuplicateCandidate(), {
          id: randomUUID(),
          personId: p.personId,
          candidateId: c.person.id,
          grade: c.match.grade,
          score: c.match.score,
          reasons: c.match.reasons.map((r) => r.code),
          status: 'OPEN' as const,
          detectedAt: now,
          decidedAt: null,
          decidedBy: null,
          version: 1,
        }),
      ),
    );
    if (rows.length === 0) return [];
    // One statement for all; a pair already proposed (or rejected) either way round is skipped, and so is
    // the second of a pair proposed from both sides here (ON CONFLICT DO NOTHING within the statement too).
    const inserted: { id: string }[] = await m.query(
      `INSERT INTO duplicate_candidate (id, person_id, candidate_id, grade, score, reasons, status, detected_at, version)
       SELECT t.id, t.person_id, t.candidate_id, t.grade, t.score, string_to_array(t.reasons, ','), 'OPEN', $2, 1
         FROM unnest($1::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::real[], $7::text[]) WITH ORDINALITY AS t(id, person_id, candidate_id, grade, score, reasons, n)
        ORDER BY t.n
       ON CONFLICT DO NOTHING RETURNING id`,
      [rows.map((r) => r.id), now, rows.map((r) => r.personId), rows.map((r) => r.candidateId), rows.map((r) => r.grade), rows.map((r) => r.score), rows.map((r) => r.reasons.join(','))],
    );
    const ids = new Set(inserted.map((r) => r.id));
    const created = rows.filter((r) => ids.has(r.id));
    return created;
  }
}
