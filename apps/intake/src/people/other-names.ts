import { rpcProblem } from '@stac/runtime';
import { compactName } from './name-normalisation';

/** A previous name or alias as submitted or stored: a given name, a family name or both, with its dates. */
export interface OtherNameInput {
  kind: string;
  givenName?: string | null;
  familyName?: string | null;
  usedFrom?: string | null;
  usedTo?: string | null;
}

export interface FieldProblem {
  field: string;
  message: string;
}

/** The name an other name stands for, folded: a missing given or family name is the current one. */
function foldedName(n: { givenName?: string | null; familyName?: string | null }, current: { givenName?: string | null; familyName?: string | null }): string {
  return `${compactName(n.givenName || current.givenName)}|${compactName(n.familyName || current.familyName)}`;
}

/** Whether an other name is the current name or one already recorded (after the one normalisation). */
export function isRecordedName(
  n: OtherNameInput,
  current: { givenName?: string | null; familyName?: string | null },
  recorded: readonly OtherNameInput[] = [],
): boolean {
  const name = foldedName(n, current);
  return name === foldedName(current, current) || recorded.some((r) => foldedName(r, current) === name);
}

/**
 * What is wrong with a person's previous names and aliases, each problem naming its field
 * (`<field>.<index>.<property>`, as the request validation names nested fields). The contract has checked
 * the shapes; this checks what needs today and the person: no date in the future (`today` is the date in
 * England and Wales), usedFrom on or before usedTo, neither before the date of birth, a name with letters,
 * and no name that is the current name or repeats another in the same list (after the one normalisation:
 * accents, case, script).
 */
export function otherNameProblems(
  names: readonly OtherNameInput[] | null | undefined,
  o: {
    /** Where the list is in the request (`victim.otherNames`); `null`: one name whose fields are the request's own. */
    field: string | null;
    today: string;
    current: { givenName?: string | null; familyName?: string | null; dateOfBirth?: string | null };
    /** Off when the caller answers a repeat of a recorded name itself (409 on a name added to a record). */
    repeats?: boolean;
  },
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const dob = o.current.dateOfBirth ?? null;
  (names ?? []).forEach((n, i) => {
    const at = (property?: string) => (o.field === null ? [property ?? 'familyName'] : [o.field, String(i), property]).filter((x) => !!x).join('.');
    for (const property of ['usedFrom', 'usedTo'] as const) {
      const date = n[property];
      if (!date) continue;
      if (date > o.today) problems.push({ field: at(property), message: `${property} cannot be in the future` });
      else if (dob && date < dob) problems.push({ field: at(property), message: `${property} cannot be before the date of birth` });
    }
    if (n.usedFrom && n.usedTo && n.usedFrom > n.usedTo) problems.push({ field: at('usedTo'), message: 'usedTo must be on or after usedFrom' });
    const blank = (['givenName', 'familyName'] as const).filter((p) => n[p] && compactName(n[p]) === '');
    for (const p of blank) problems.push({ field: at(p), message: `${p} must have letters or digits` });
    if (o.repeats !== false && blank.length === 0 && isRecordedName(n, o.current, names!.slice(0, i))) {
      problems.push({ field: at(), message: 'this name is the current name or repeats an earlier one' });
    }
  });
  return problems;
}

/** 400 problem+json naming every field at fault; nothing is stored. */
export function assertOtherNames(...args: Parameters<typeof otherNameProblems>): void {
  const errors = otherNameProblems(...args);
  if (errors.length) throw rpcProblem(400, 'validation-failed', 'The request is not valid', { errors });
}
