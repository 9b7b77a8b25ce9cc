import type { CaseFlag } from './case';

/**
 * The S-TAC advice checklist to the case officer (domain.md §3 step 5, H3). Each item is coded so
 * that outcomes can be measured ("advice actioned", §6.10); the guidance text is the document
 * wording of this checklist version. Changing wording or items means a new checklist version.
 */
export const ADVICE_CHECKLIST_VERSION = '2026.1';

export const ADVICE_ITEM_CODES = [
  'CLASSIFY_OFFENCE',
  'DIGITAL_LINES_OF_ENQUIRY',
  'ARREST_STRATEGY',
  'BAIL_WITH_CONDITIONS_NOT_RUI',
  'CONSIDER_SPO',
  'EARLY_CPS_ADVICE',
  'RESTRAINING_ORDER',
  'REFER_TO_ISAC',
  'MARAC_CHECK',
  'NO_PIN',
  'PROTECT_THIRD_PARTIES',
] as const;
export type AdviceItemCode = (typeof ADVICE_ITEM_CODES)[number];

export const ADVICE_RESOLUTIONS = ['DONE', 'ACCEPTED', 'DECLINED'] as const;
export type AdviceResolution = (typeof ADVICE_RESOLUTIONS)[number];
export const ADVICE_ITEM_STATUSES = ['OPEN', ...ADVICE_RESOLUTIONS] as const;
export type AdviceItemStatus = (typeof ADVICE_ITEM_STATUSES)[number];

export const ADVICE_STATUSES = ['ISSUED', 'ACKNOWLEDGED', 'SUPERSEDED'] as const;
export type AdviceStatus = (typeof ADVICE_STATUSES)[number];

export interface AdviceChecklistItem {
  code: AdviceItemCode;
  guidance: string;
  /** Working days from issue by which the case officer should have resolved the item. */
  dueWorkingDays: number;
  /** Only for cases with this flag (MARAC: domestic context). */
  onlyWhenFlag?: CaseFlag;
  /** The decision must be written down whatever it is (e.g. an SPO considered either way). */
  rationaleAlwaysRequired?: boolean;
  /** The victim's views must have been sought before resolving (bail vs RUI). */
  victimViewsRequired?: boolean;
}

export const ADVICE_CHECKLIST: readonly AdviceChecklistItem[] = [
  {
    code: 'CLASSIFY_OFFENCE',
    guidance: 'Classify as stalking (s2A or s4A) where the FOUR test is met; record the rationale if harassment is charged instead.',
    dueWorkingDays: 2,
  },
  {
    code: 'DIGITAL_LINES_OF_ENQUIRY',
    guidance: "Pursue digital lines of enquiry: devices, accounts, call data, social media, location data, the victim's own evidence log.",
    dueWorkingDays: 5,
  },
  { code: 'ARREST_STRATEGY', guidance: 'Agree an arrest strategy, including safeguarding the victim at the point of arrest.', dueWorkingDays: 2 },
  {
    code: 'BAIL_WITH_CONDITIONS_NOT_RUI',
    guidance: "Use pre-charge bail with conditions rather than release under investigation; seek the victim's views on conditions.",
    dueWorkingDays: 2,
    victimViewsRequired: true,
  },
  {
    code: 'CONSIDER_SPO',
    guidance: 'Consider a Stalking Protection Order (interim and full); record the decision and reasons either way.',
    dueWorkingDays: 5,
    rationaleAlwaysRequired: true,
  },
  { code: 'EARLY_CPS_ADVICE', guidance: 'Seek early investigative advice from the CPS; the CPS decides charge in stalking cases.', dueWorkingDays: 10 },
  {
    code: 'RESTRAINING_ORDER',
    guidance: 'Prepare the case for a restraining order on conviction or acquittal; include it in the file to the CPS.',
    dueWorkingDays: 20,
  },
  { code: 'REFER_TO_ISAC', guidance: 'Refer the victim to an Independent Stalking Advocacy Caseworker.', dueWorkingDays: 1 },
  {
    code: 'MARAC_CHECK',
    guidance: 'Domestic context: complete the DASH and check whether the case meets the MARAC threshold.',
    dueWorkingDays: 2,
    onlyWhenFlag: 'DOMESTIC',
  },
  { code: 'NO_PIN', guidance: 'Do not issue a Police Information Notice; they are not a response to stalking.', dueWorkingDays: 1 },
  {
    code: 'PROTECT_THIRD_PARTIES',
    guidance: 'Identify and safeguard third parties at risk: family, new partners, colleagues.',
    dueWorkingDays: 5,
  },
];

export function checklistItem(code: AdviceItemCode): AdviceChecklistItem {
  const item = ADVICE_CHECKLIST.find((i) => i.code === code);
  if (!item) throw new Error(`unknown advice item ${code}`);
  return item;
}

/** The items that apply to a case by default (MARAC only in a domestic context). */
export function applicableAdviceItems(flags: readonly CaseFlag[]): AdviceItemCode[] {
  return ADVICE_CHECKLIST.filter((i) => !i.onlyWhenFlag || flags.includes(i.onlyWhenFlag)).map((i) => i.code);
}

/** Why a resolution is incomplete, or null when it may be recorded. */
export function resolutionProblem(
  code: AdviceItemCode,
  r: { resolution: AdviceResolution; rationale?: string | null; victimViewsSought?: boolean | null },
): string | null {
  const item = checklistItem(code);
  const hasRationale = !!r.rationale && r.rationale.trim().length > 0;
  if (r.resolution === 'DECLINED' && !hasRationale) return 'A declined item needs a rationale';
  if (item.rationaleAlwaysRequired && !hasRationale) return `${code} needs the decision and its rationale recorded either way`;
  if (item.victimViewsRequired && r.resolution !== 'DECLINED' && r.victimViewsSought !== true) {
    return `${code} needs the victim's views to have been sought`;
  }
  return null;
}
