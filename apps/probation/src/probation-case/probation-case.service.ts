import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CASE_NOT_FOUND } from '@stac/auth';
import { ProblemException, type ProbationCaseView } from '@stac/contracts';
import { Clock, type RequestContext } from '@stac/runtime';
import { ProbationConsultationsService } from '../consultations/probation-consultations.service';
import { EnforcementReviewsService } from '../enforcement/enforcement-reviews.service';
import { PartnerInterventionsService } from '../interventions/partner-interventions.service';
import { MappaService } from '../mappa/mappa.service';
import { SentenceService } from '../sentence/sentence.service';
import { checkView, SupervisionChecksService } from '../supervision-checks/supervision-checks.service';

/**
 * Probation's whole record of a case, as the caller may see it (zones only with victim.location; who changed
 * the sentence dates only for probation's own team).
 */
@Injectable()
export class ProbationCaseService {
  constructor(
    private readonly checks: SupervisionChecksService,
    private readonly consultations: ProbationConsultationsService,
    private readonly mappa: MappaService,
    private readonly sentences: SentenceService,
    private readonly interventions: PartnerInterventionsService,
    private readonly enforcement: EnforcementReviewsService,
    private readonly clock: Clock,
    private readonly dataSource: DataSource,
  ) {}

  /**
   * Read in one snapshot (a REPEATABLE READ transaction): an event handled meanwhile shows
   * whole or not at all, never an enforcement review beside the intervention status from before it.
   */
  read(caseId: string, ctx: Pick<RequestContext, 'fieldGroups' | 'owning'>): Promise<ProbationCaseView> {
    return this.dataSource.transaction('REPEATABLE READ', async (m) => {
      const check = await this.checks.forCase(caseId, m);
      if (!check) throw new ProblemException(CASE_NOT_FOUND);
      const consultations = await this.consultations.forCase(caseId, { withZones: ctx.fieldGroups.includes('victim.location'), owning: ctx.owning }, m);
      const mappaHistory = await this.mappa.history(caseId, m);
      const sentence = await this.sentences.forCase(caseId, m);
      const sentenceHistory = await this.sentences.history(caseId, ctx.owning, m);
      const interventions = await this.interventions.forCase(caseId, m);
      const enforcementReviews = await this.enforcement.forCase(caseId, m);
      return {
        caseId,
        check: checkView(check, this.clock.now()),
        consultations,
        mappa: mappaHistory.at(-1) ?? null,
        mappaHistory,
        sentence,
        sentenceHistory,
        interventions,
        enforcementReviews,
      };
    });
  }
}
