import { CaseAccessGrants } from '@stac/auth';
import { ProbationCheckAnsweredV1 } from '@stac/contracts';
import { Outbox } from '@stac/messaging';
import { checkDueWorkingDaysFromEnv, PartnerChecks } from '@stac/partner-checks';
import { SupervisionCheck } from './supervision-check.entity';

/** Probation's checks on the shared partner-check behaviour; the token Nest injects them by. */
export const SUPERVISION_CHECKS = Symbol('SUPERVISION_CHECKS');
export type SupervisionChecks = PartnerChecks<SupervisionCheck, ProbationCheckAnsweredV1>;

export function supervisionChecks(grants: CaseAccessGrants, outbox: Outbox, dueWorkingDays = checkDueWorkingDaysFromEnv()): SupervisionChecks {
  return new PartnerChecks(
    {
      owner: 'probation',
      record: SupervisionCheck,
      noun: 'supervision check',
      // Status, answer and contact route only (the agreements share no field group).
      shares: [
        { agency: 'police', agreementCode: 'probation-to-police' },
        { agency: 'mental-health', agreementCode: 'probation-to-mental-health' },
      ],
      answered: ProbationCheckAnsweredV1,
      dueWorkingDays,
    },
    grants,
    outbox,
  );
}

export const supervisionChecksProvider = {
  provide: SUPERVISION_CHECKS,
  inject: [CaseAccessGrants, Outbox],
  useFactory: (grants: CaseAccessGrants, outbox: Outbox): SupervisionChecks => supervisionChecks(grants, outbox),
};
