import { CaseAccessGrants } from '@stac/auth';
import { MhCheckAnsweredV1 } from '@stac/contracts';
import { Outbox } from '@stac/messaging';
import { checkDueWorkingDaysFromEnv, PartnerChecks } from '@stac/partner-checks';
import { KnownToServicesCheck } from './known-to-services-check.entity';

/** The trust's checks on the shared partner-check behaviour; the token Nest injects them by. */
export const KNOWN_TO_SERVICES_CHECKS = Symbol('KNOWN_TO_SERVICES_CHECKS');
export type KnownToServicesChecks = PartnerChecks<KnownToServicesCheck, MhCheckAnsweredV1>;

export const knownToServicesChecksProvider = {
  provide: KNOWN_TO_SERVICES_CHECKS,
  inject: [CaseAccessGrants, Outbox],
  useFactory: (grants: CaseAccessGrants, outbox: Outbox): KnownToServicesChecks =>
    new PartnerChecks(
      {
        owner: 'mental-health',
        record: KnownToServicesCheck,
        noun: 'mental-health check',
        // Status, answer and contact route only (the agreements share no field group).
        shares: [
          { agency: 'police', agreementCode: 'mental-health-to-police' },
          { agency: 'probation', agreementCode: 'mental-health-to-probation' },
        ],
        answered: MhCheckAnsweredV1,
        dueWorkingDays: checkDueWorkingDaysFromEnv(),
      },
      grants,
      outbox,
    ),
};
