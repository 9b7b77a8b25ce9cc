import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AccessLog, type Principal } from '@stac/auth';
import {
  LicenceEndedV1,
  OffenderReleasedV1,
  ReleaseUpcomingV1,
  SENTENCE_DATE_FIELDS,
  type SentenceCommand,
  type SentenceDatesChangeView,
  type SentenceView,
} from '@stac/contracts';
import { addDays, londonDate } from '@stac/domain';
import { Outbox, type EventHeaders } from '@stac/messaging';
import { Clock, rpcProblem, type RequestContext } from '@stac/runtime';
import { ProbationSettings } from '../probation-settings';
import { SentenceDatesChange } from './sentence-dates-change.entity';
import { SentenceDates } from './sentence-dates.entity';

/** A release or licence end further back than this when first seen is recorded as past, not announced (no stale triggers). */
export const CATCH_UP_DAYS = 7;

export function sentenceView(s: SentenceDates): SentenceView {
  return {
    caseId: s.caseId,
    custodyStart: s.custodyStart,
    expectedRelease: s.expectedRelease,
    actualRelease: s.actualRelease,
    licenceEnd: s.licenceEnd,
    supervisionEnd: s.supervisionEnd,
    releasedOn: s.releasedOn,
    licenceEndedOn: s.licenceEndedOn,
    version: s.version,
  };
}

/** One change of the dates; who made it only for probation's own team. */
export function sentenceChangeView(c: SentenceDatesChange, withWho: boolean): SentenceDatesChangeView {
  return {
    version: c.version,
    custodyStart: c.custodyStart,
    expectedRelease: c.expectedRelease,
    actualRelease: c.actualRelease,
    licenceEnd: c.licenceEnd,
    supervisionEnd: c.supervisionEnd,
    changedFields: c.changedFields,
    ...(withWho ? { changedBy: c.changedBy } : {}),
    changedAt: c.changedAt.toISOString(),
  };
}

function invalid(field: string, message: string) {
  return rpcProblem(400, 'validation-failed', 'The request is not valid', { errors: [{ field, message }] });
}

export interface ReleaseScanResult {
  released: number;
  noticed: number;
  licencesEnded: number;
}

/**
 * Sentence, release and licence dates (every change kept as history: the dates as they became, which
 * changed, who, when), and the scan that turns their days into events: on the release day
 * (the actual date once known, else the expected one) `offender.released`, on the licence end day
 * `licence.ended`, and `release.upcoming` RELEASE_NOTICE_DAYS ahead; each once per date (a changed date
 * re-arms it). Days are England and Wales calendar days of the injectable clock.
 */
@Injectable()
export class SentenceService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly accessLog: AccessLog,
    private readonly clock: Clock,
    private readonly settings: ProbationSettings,
  ) {}

  async set(cmd: SentenceCommand, ctx: RequestContext): Promise<SentenceView> {
    for (const f of SENTENCE_DATE_FIELDS) {
      const v = cmd[f];
      if (v && (Number.isNaN(Date.parse(`${v}T00:00:00Z`)) || new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) !== v)) throw invalid(f, `${f} is not a calendar date`);
    }
    const release = cmd.actualRelease ?? cmd.expectedRelease;
    if (cmd.custodyStart && release && release < cmd.custodyStart) throw invalid(cmd.actualRelease ? 'actualRelease' : 'expectedRelease', 'a release cannot be before custody starts');
    if (cmd.licenceEnd && !release) throw invalid('licenceEnd', 'a licence end needs a release date');
    if (cmd.licenceEnd && release && cmd.licenceEnd < release) throw invalid('licenceEnd', 'a licence cannot end before the release');
    return this.dataSource.transaction(async (m) => {
      const now = this.clock.now();
      const existing = await m.findOne(SentenceDates, { where: { caseId: cmd.caseId }, lock: { mode: 'pessimistic_write' } });
      const dates = Object.fromEntries(SENTENCE_DATE_FIELDS.map((f) => [f, cmd[f] ?? null])) as Record<(typeof SENTENCE_DATE_FIELDS)[number], string | null>;
      const changedFields = SENTENCE_DATE_FIELDS.filter((f) => (existing ? existing[f] !== dates[f] : dates[f] !== null));
      // The same dates again change nothing: no new version, no history row.
      if (existing && changedFields.length === 0) {
        await ctx.audit(m, { recordIds: [cmd.caseId] });
        return sentenceView(existing);
      }
      const s = Object.assign(existing ?? Object.assign(new SentenceDates(), { caseId: cmd.caseId, releasedOn: null, releaseNoticedFor: null, licenceEndedOn: null }), {
        ...dates,
        updatedBy: ctx.principal.subject,
        updatedAt: now,
      });
      const saved = await m.save(s);
      await m.insert(SentenceDatesChange, {
        caseId: cmd.caseId,
        version: saved.version,
        ...dates,
        changedFields,
        changedBy: ctx.principal.subject,
        changedAt: now,
      } satisfies SentenceDatesChange);
      await ctx.audit(m, { recordIds: [cmd.caseId] });
      return sentenceView(saved);
    });
  }

  async forCase(caseId: string, m: EntityManager = this.dataSource.manager): Promise<SentenceView | null> {
    const s = await m.findOne(SentenceDates, { where: { caseId } });
    return s ? sentenceView(s) : null;
  }

  /** Every change of the case's dates, oldest first (earlier values stay retrievable); who changed them only for probation's own team. */
  async history(caseId: string, withWho: boolean, m: EntityManager = this.dataSource.manager): Promise<SentenceDatesChangeView[]> {
    const rows = await m.find(SentenceDatesChange, { where: { caseId }, order: { version: 'ASC' } });
    return rows.map((c) => sentenceChangeView(c, withWho));
  }

  /** One pass of the release scan; rows are claimed with SKIP LOCKED so concurrent instances never double-publish. */
  async scan(actor: Principal, correlationId: string): Promise<ReleaseScanResult> {
    const today = londonDate(this.clock.now());
    const noticeHorizon = addDays(today, this.settings.releaseNoticeDays);
    const oldest = addDays(today, -CATCH_UP_DAYS);
    const headers: EventHeaders = { correlationId };
    return this.dataSource.transaction(async (m) => {
      const due = await m
        .createQueryBuilder(SentenceDates, 's')
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .where(
          `(COALESCE(s.actual_release, s.expected_release) <= :today AND s.released_on IS DISTINCT FROM COALESCE(s.actual_release, s.expected_release))
           OR (:notice > 0 AND COALESCE(s.actual_release, s.expected_release) > :today AND COALESCE(s.actual_release, s.expected_release) <= :horizon
               AND s.release_noticed_for IS DISTINCT FROM COALESCE(s.actual_release, s.expected_release))
           OR (s.licence_end <= :today AND s.licence_ended_on IS DISTINCT FROM s.licence_end)`,
          { today, horizon: noticeHorizon, notice: this.settings.releaseNoticeDays },
        )
        .orderBy('s.case_id')
        .limit(500)
        .getMany();
      const result: ReleaseScanResult = { released: 0, noticed: 0, licencesEnded: 0 };
      for (const s of due) {
        const release = s.actualRelease ?? s.expectedRelease;
        if (release && release <= today && s.releasedOn !== release) {
          s.releasedOn = release;
          if (release >= oldest) {
            await this.outbox.enqueue(m, OffenderReleasedV1, { caseId: s.caseId, aggregateVersion: s.version, additionalInformation: { releaseDate: release } }, headers);
            result.released++;
          }
        } else if (release && release > today && release <= noticeHorizon && s.releaseNoticedFor !== release) {
          s.releaseNoticedFor = release;
          const daysAhead = Math.round((Date.parse(`${release}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
          await this.outbox.enqueue(m, ReleaseUpcomingV1, { caseId: s.caseId, aggregateVersion: s.version, additionalInformation: { releaseDate: release, daysAhead } }, headers);
          result.noticed++;
        }
        if (s.licenceEnd && s.licenceEnd <= today && s.licenceEndedOn !== s.licenceEnd) {
          s.licenceEndedOn = s.licenceEnd;
          if (s.licenceEnd >= oldest) {
            await this.outbox.enqueue(m, LicenceEndedV1, { caseId: s.caseId, aggregateVersion: s.version, additionalInformation: { licenceEndDate: s.licenceEnd } }, headers);
            result.licencesEnded++;
          }
        }
        // The markers are the scan's own bookkeeping: the version (the ETag of the dates) does not move.
        await m.query(
          `UPDATE sentence_dates SET released_on = $2, release_noticed_for = $3, licence_ended_on = $4 WHERE case_id = $1`,
          [s.caseId, s.releasedOn, s.releaseNoticedFor, s.licenceEndedOn],
        );
      }
      if (due.length) {
        await this.accessLog.append(m, {
          operation: 'alteration',
          action: 'probation.release.scan',
          principal: actor,
          recordType: 'sentence-dates',
          recordIds: due.map((d) => d.caseId),
          fieldGroups: [],
          legalBasis: 'workflow',
          recipients: ['probation'],
          decision: { allow: true, rule: 'probation.release.scan' },
          correlationId,
        });
      }
      return result;
    });
  }
}
