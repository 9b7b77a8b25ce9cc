import { KeyRing } from '@stac/persistence';
import { blockingKeys, matchPeople, probeKeys, type MatchGrade } from '../people/duplicate-matching';
import { PersonalDataCipher } from '../people/personal-data-cipher';
import { DECOY_KINDS, SAME_PERSON_KINDS, hardEvaluationSet, type SyntheticPerson } from './synthetic-people';

/**
 * Duplicate detection measured per kind of record on a synthetic register: every record is registered
 * in turn, probes the blocking index of the records before it (as the service does), and every LIKELY
 * or POSSIBLE candidate is compared with the ground truth (same cluster = same human being).
 *
 * For a second record of a person (`SAME_PERSON_KINDS`): was the record it was made from proposed, and
 * how (found = LIKELY or POSSIBLE). For a look-alike decoy (`DECOY_KINDS`): was the person it imitates
 * proposed (a false alarm).
 */
export interface KindFigures {
  kind: string;
  records: number;
  likely: number;
  possible: number;
  /** Same-person kinds: share found (LIKELY or POSSIBLE). Decoys: share flagged against the imitated person. */
  rate: number;
  likelyRate: number;
}

export interface Evaluation {
  records: number;
  truePairs: number;
  candidatesPerRecord: number;
  overall: Record<'likely' | 'likelyOrPossible', { flagged: number; truePositives: number; precision: number; recall: number }>;
  samePerson: KindFigures[];
  decoys: KindFigures[];
}

export function evaluate(records: SyntheticPerson[], cipher: PersonalDataCipher): Evaluation {
  const hash = (l: string, v: string) => cipher.keyedHash(l, v);
  const index = new Map<string, number[]>();
  const flagged: { a: number; b: number; grade: MatchGrade }[] = [];
  const gradeOf = new Map<string, MatchGrade>();
  let candidatesScored = 0;
  records.forEach((r, i) => {
    const candidates = new Set<number>();
    for (const k of probeKeys(r, hash)) for (const j of index.get(k.toString('hex')) ?? []) candidates.add(j);
    candidatesScored += candidates.size;
    for (const j of candidates) {
      const m = matchPeople(r, records[j]);
      if (m) {
        flagged.push({ a: i, b: j, grade: m.grade });
        gradeOf.set(`${i}:${j}`, m.grade);
      }
    }
    for (const k of blockingKeys(r, hash)) {
      const h = k.toString('hex');
      const list = index.get(h);
      if (list) list.push(i);
      else index.set(h, [i]);
    }
  });
  const byCluster = new Map<number, number>();
  for (const r of records) byCluster.set(r.cluster, (byCluster.get(r.cluster) ?? 0) + 1);
  const truePairs = [...byCluster.values()].reduce((n, c) => n + (c * (c - 1)) / 2, 0);
  const figures = (grades: MatchGrade[]) => {
    const f = flagged.filter((x) => grades.includes(x.grade));
    const tp = f.filter((x) => records[x.a].cluster === records[x.b].cluster).length;
    return { flagged: f.length, truePositives: tp, precision: f.length ? tp / f.length : 1, recall: truePairs ? tp / truePairs : 1 };
  };
  const perKind = (kinds: readonly string[]): KindFigures[] =>
    kinds.map((kind) => {
      const of = records.map((r, i) => ({ r, i })).filter(({ r }) => r.variant === kind && r.source !== undefined);
      let likely = 0;
      let possible = 0;
      for (const { r, i } of of) {
        const g = gradeOf.get(`${i}:${r.source}`);
        if (g === 'LIKELY') likely++;
        else if (g === 'POSSIBLE') possible++;
      }
      const n = of.length;
      return { kind, records: n, likely, possible, rate: n ? (likely + possible) / n : 0, likelyRate: n ? likely / n : 0 };
    });
  return {
    records: records.length,
    truePairs,
    candidatesPerRecord: candidatesScored / records.length,
    overall: { likely: figures(['LIKELY']), likelyOrPossible: figures(['LIKELY', 'POSSIBLE']) },
    samePerson: perKind(SAME_PERSON_KINDS),
    decoys: perKind(DECOY_KINDS),
  };
}

/** The set the unit test and `pnpm eval:matching` measure: fixed seed, several thousand records. */
export const STANDARD_SET = { seed: 20261130, people: 3000, perKind: 150 } as const;

export function evaluateStandardSet(): Evaluation {
  // A fixed synthetic key: the figures do not depend on it, only on which keys collide.
  return evaluate(hardEvaluationSet(STANDARD_SET).records, new PersonalDataCipher(KeyRing.generate(), Buffer.alloc(32, 3)));
}

export function formatEvaluation(e: Evaluation): string {
  const pct = (x: number) => `${(x * 100).toFixed(1).padStart(5)}%`;
  const row = (k: KindFigures, label: string) =>
    `  ${k.kind.padEnd(26)} ${String(k.records).padStart(4)}  ${label} ${pct(k.rate)}  (LIKELY ${String(k.likely).padStart(3)}, POSSIBLE ${String(k.possible).padStart(3)})`;
  const o = e.overall;
  return [
    `duplicate detection on ${e.records} records (${e.truePairs} true pairs), ${e.candidatesPerRecord.toFixed(1)} candidates scored per record`,
    `  LIKELY only:        precision ${pct(o.likely.precision)}, recall ${pct(o.likely.recall)} (${o.likely.truePositives}/${o.likely.flagged} flagged)`,
    `  LIKELY or POSSIBLE: precision ${pct(o.likelyOrPossible.precision)}, recall ${pct(o.likelyOrPossible.recall)} (${o.likelyOrPossible.truePositives}/${o.likelyOrPossible.flagged} flagged)`,
    'same person, second record (found = proposed as LIKELY or POSSIBLE):',
    ...e.samePerson.map((k) => row(k, 'found')),
    'different person, look-alike (false alarm = the imitated person proposed):',
    ...e.decoys.map((k) => row(k, 'false alarm')),
  ].join('\n');
}

if (require.main === module) {
  process.stdout.write(`${formatEvaluation(evaluateStandardSet())}\n`);
}
