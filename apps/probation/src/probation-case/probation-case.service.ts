import { Injectable } from '@nestjs/common';
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
  ) {}

  async read(caseId: string, ctx: Pick<RequestContext, 'fieldGroups' | 'owning'>): Promise<ProbationCaseView> {
    const check = await this.checks.forCase(caseId);
    if (!check) throw new ProblemException(CASE_NOT_FOUND);
    const [consultations, mappaHistory, sentence, sentenceHistory, interventions, enforcementReviews] = await Promise.all([
      this.consultations.forCase(caseId, { withZones: ctx.fieldGroups.includes('victim.location'), owning: ctx.owning }),
      this.mappa.history(caseId),
      this.sentences.forCase(caseId),
      this.sentences.history(caseId, ctx.owning),
      this.interventions.forCase(caseId),
      this.enforcement.forCase(caseId),
    ]);
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
  }
}
