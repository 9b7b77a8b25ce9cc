import { blockingKeys, matchPeople, probeKeys, type MatchGrade } from './duplicate-matching';
import { PersonalDataCipher } from './personal-data-cipher';
import { evaluationSet, type SyntheticPerson } from './synthetic-people';

/**
 * Precision and recall of duplicate detection on a synthetic register: every record is registered in
 * turn, probes the blocking index of the records before it (as the service does), and every LIKELY or
 * POSSIBLE candidate is compared with the ground truth (same cluster = same human being).
 */
export function evaluate(records: SyntheticPerson[], cipher: PersonalDataCipher) {
  const hash = (l: string, v: string) => cipher.keyedHash(l, v);
  const index = new Map<string, number[]>();
  const flagged: { a: number; b: number; grade: MatchGrade }[] = [];
  let candidatesScored = 0;
  records.forEach((r, i) => {
    const candidates = new Set<number>();
    for (const k of probeKeys(r, hash)) for (const j of index.get(k.toString('hex')) ?? []) candidates.add(j);
    candidatesScored += candidates.size;
    for (const j of candidates) {
      const m = matchPeople(r, records[j]);
      if (m) flagged.push({ a: i, b: j, grade: m.grade });
    }
    for (const k of blockingKeys(r, hash)) {
      const h = k.toString('hex');
      index.set(h, [...(index.get(h) ?? []), i]);
    }
  });
  // True pairs: every pair of records in one cluster.
  const byCluster = new Map<number, number>();
  for (const r of records) byCluster.set(r.cluster, (byCluster.get(r.cluster) ?? 0) + 1);
  const truePairs = [...byCluster.values()].reduce((n, c) => n + (c * (c - 1)) / 2, 0);
  const figures = (grades: MatchGrade[]) => {
    const f = flagged.filter((x) => grades.includes(x.grade));
    const tp = f.filter((x) => records[x.a].cluster === records[x.b].cluster).length;
    return { flagged: f.length, truePositives: tp, precision: f.length ? tp / f.length : 1, recall: truePairs ? tp / truePairs : 1 };
  };
  const missed = new Map<string, number>();
  const found = new Set(flagged.map((x) => `${x.a}:${x.b}`));
  records.forEach((r, i) => {
    records.slice(0, i).forEach((o, j) => {
      if (o.cluster === r.cluster && !found.has(`${i}:${j}`)) missed.set(r.variant, (missed.get(r.variant) ?? 0) + 1);
    });
  });
  return {
    records: records.length,
    truePairs,
    candidatesPerRecord: candidatesScored / records.length,
    likely: figures(['LIKELY']),
    likelyOrPossible: figures(['LIKELY', 'POSSIBLE']),
    missedByVariant: Object.fromEntries(missed),
  };
}

describe('duplicate detection: precision and recall on a synthetic register', () => {
  it('over 1,000 distinct people with 400 second records and 300 hard lookalikes', () => {
    const set = evaluationSet({ seed: 20261127, people: 1200, duplicates: 400, lookalikes: 300 });
    const r = evaluate(set.records, new PersonalDataCipher(Buffer.alloc(32, 3)));
    const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
    process.stdout.write(
      `\nduplicate detection on ${r.records} records (${set.distinctPeople} people, ${r.truePairs} true pairs), ` +
        `${r.candidatesPerRecord.toFixed(1)} candidates scored per record\n` +
        `  LIKELY only:        precision ${pct(r.likely.precision)}, recall ${pct(r.likely.recall)} (${r.likely.truePositives}/${r.likely.flagged} flagged)\n` +
        `  LIKELY or POSSIBLE: precision ${pct(r.likelyOrPossible.precision)}, recall ${pct(r.likelyOrPossible.recall)} (${r.likelyOrPossible.truePositives}/${r.likelyOrPossible.flagged} flagged)\n` +
        `  missed by variant:  ${JSON.stringify(r.missedByVariant)}\n`,
    );
    expect(r.records).toBeGreaterThanOrEqual(1000);
    expect(r.likely.precision).toBeGreaterThanOrEqual(0.97);
    expect(r.likelyOrPossible.recall).toBeGreaterThanOrEqual(0.95);
  });
});
