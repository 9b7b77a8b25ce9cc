import { Module } from '@nestjs/common';
import type { DomainServiceDefinition } from '@stac/runtime';
import { BreakGlassReview } from './case-access/break-glass-review.entity';
import { CaseAccessController } from './case-access/case-access.controller';
import { CaseAccessService } from './case-access/case-access.service';
import { CasesController } from './cases/cases.controller';
import { CasesService } from './cases/cases.service';
import { StalkingCase } from './cases/stalking-case.entity';
import { IntakeSchema1764201700000 } from './migrations/1764201700000-intake-schema';
import { BreakGlassReview1764202200000 } from './migrations/1764202200000-break-glass-review';
import { PeopleRegister1764300000000 } from './migrations/1764300000000-people-register';
import { CourseOfConduct1764300100000 } from './migrations/1764300100000-course-of-conduct';
import { Incident } from './incidents/incident.entity';
import { IncidentsController } from './incidents/incidents.controller';
import { IncidentsService } from './incidents/incidents.service';
import { CaseParticipant } from './people/case-participant.entity';
import { dataKeyFromEnv } from './people/data-key';
import { DuplicateCandidate } from './people/duplicate-candidate.entity';
import { PeopleController } from './people/people.controller';
import { PeopleService } from './people/people.service';
import { Person } from './people/person.entity';
import { PersonRecords } from './people/person-records';
import { PersonalDataCipher } from './people/personal-data-cipher';
import { IdempotencyRecord } from './referrals/idempotency-record.entity';
import { ReferralsController } from './referrals/referrals.controller';
import { ReferralsService } from './referrals/referrals.service';

@Module({
  controllers: [ReferralsController, CasesController, CaseAccessController, PeopleController, IncidentsController],
  providers: [
    ReferralsService,
    CasesService,
    CaseAccessService,
    // People register and course of conduct; the agency data key from DATA_KEY (DP-02).
    { provide: PersonalDataCipher, useFactory: () => dataKeyFromEnv() },
    PersonRecords,
    PeopleService,
    IncidentsService,
  ],
})
export class IntakeModule {}

export const INTAKE: DomainServiceDefinition = {
  service: 'intake',
  agency: 'police',
  feature: IntakeModule,
  entities: [StalkingCase, Person, CaseParticipant, Incident, IdempotencyRecord, BreakGlassReview, DuplicateCandidate],
  migrations: [IntakeSchema1764201700000, BreakGlassReview1764202200000, PeopleRegister1764300000000, CourseOfConduct1764300100000],
};
