import { Module } from '@nestjs/common';
import { ENGLAND_AND_WALES, WorkingDayCalendar } from '@stac/domain';
import { Clock, type DomainServiceDefinition } from '@stac/runtime';
import { AdvocacyOffer } from './advocacy-offers/advocacy-offer.entity';
import { AdvocacyOffersController } from './advocacy-offers/advocacy-offers.controller';
import { AdvocacyOffersService } from './advocacy-offers/advocacy-offers.service';
import { AdvocacySettings } from './advocacy-settings';
import { CharityCipher, charityCipherFromEnv } from './charity-data/charity-cipher';
import { advocacyClockFromEnv } from './clock/advocacy-clock';
import { ContactsController } from './contacts/contacts.controller';
import { ContactsService } from './contacts/contacts.service';
import { FeedbackController } from './feedback/feedback.controller';
import { FeedbackService } from './feedback/feedback.service';
import { AdvocacySchema1764201900000 } from './migrations/1764201900000-advocacy-schema';
import { OfferPriority1764500000000 } from './migrations/1764500000000-offer-priority';
import { CaseRiskLevel1796082100000 } from './migrations/1796082100000-case-risk-level';
import { VictimSupport1796110000000 } from './migrations/1796110000000-victim-support';
import { UpdateEscalationAndVcs1796201000001 } from './migrations/1796201000001-update-escalation-and-vcs';
import { NeedsController } from './needs/needs.controller';
import { NeedsService } from './needs/needs.service';
import { ReleaseTriggersService } from './release-triggers/release-triggers.service';
import { MessageTransports } from './safe-contact/message-transports';
import { SafeContactController } from './safe-contact/safe-contact.controller';
import { SafeContactService } from './safe-contact/safe-contact.service';
import { SafetyPlansController } from './safety-plans/safety-plans.controller';
import { SafetyPlansService } from './safety-plans/safety-plans.service';
import { VictimSituationController } from './victim-situation/victim-situation.controller';
import { VictimSituationService } from './victim-situation/victim-situation.service';
import { VictimSupportController } from './victim-support/victim-support.controller';
import { VictimSupportService } from './victim-support/victim-support.service';
import { UpdateEscalationScheduler } from './victim-updates/update-escalation-scheduler';
import { VictimUpdatesController } from './victim-updates/victim-updates.controller';
import { VictimUpdatesService } from './victim-updates/victim-updates.service';
import { AdvocacyWorklistsController } from './worklists/advocacy-worklists.controller';
import { AdvocacyWorklistsService } from './worklists/advocacy-worklists.service';
import { CaseRestrictionsHandler } from './case-access/case-restrictions.handler';

@Module({
  controllers: [
    AdvocacyOffersController,
    VictimSupportController,
    ContactsController,
    NeedsController,
    SafetyPlansController,
    VictimUpdatesController,
    SafeContactController,
    VictimSituationController,
    FeedbackController,
    AdvocacyWorklistsController,
  ],
  providers: [
    // Intake's restriction of a case to named people, replicated (restricted records, AC-14).
    CaseRestrictionsHandler,
    // The charity's own key ring (ADVOCACY_DATA_KEYS, DP-02), its clock (offset only in tests) and its message transports (SMTP_URL).
    { provide: CharityCipher, useFactory: () => charityCipherFromEnv() },
    { provide: Clock, useFactory: () => advocacyClockFromEnv() },
    { provide: MessageTransports, useFactory: () => MessageTransports.fromEnv() },
    // Escalation scan interval and the release / licence-end deadlines (working days).
    { provide: AdvocacySettings, useFactory: () => AdvocacySettings.fromEnv() },
    // The one working-day calendar (England and Wales bank holidays), shared with intake and risk.
    { provide: WorkingDayCalendar, useValue: ENGLAND_AND_WALES },
    AdvocacyOffersService,
    VictimSupportService,
    ContactsService,
    NeedsService,
    SafetyPlansService,
    VictimUpdatesService,
    UpdateEscalationScheduler,
    ReleaseTriggersService,
    SafeContactService,
    VictimSituationService,
    FeedbackService,
    AdvocacyWorklistsService,
  ],
})
export class AdvocacyModule {}

export const ADVOCACY: DomainServiceDefinition = {
  service: 'advocacy',
  agency: 'advocacy',
  feature: AdvocacyModule,
  entities: [AdvocacyOffer],
  migrations: [AdvocacySchema1764201900000, OfferPriority1764500000000, CaseRiskLevel1796082100000, VictimSupport1796110000000, UpdateEscalationAndVcs1796201000001],
  idempotencyTable: 'idempotency_record',
};
