import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { AdviceItemCode, Agency, CaseStatus, CjStage, OrderType } from '@stac/domain';
import { CursorPageQuery } from '../partner-checks/partner-checks';

export const WORKLISTS = {
  screening: 'rpc.intake.worklist.screening',
  leads: 'rpc.intake.worklist.leads',
  myCases: 'rpc.intake.worklist.my-cases',
} as const;

/**
 * A worklist page: `limit` rows per list (1-200, default 50) and, to continue one list, the `cursor` that
 * list's `next` gave. A worklist of several lists answers the first page of each; a cursor continues its
 * own list only (the others come back empty, their `next` null).
 */
export class WorklistQuery extends CursorPageQuery {}

const NEXT = { type: String, nullable: true, description: 'Pass as ?cursor= for the next page of this list; null on its last page' } as const;

/** Worklist rows carry ids, codes and dates only: a list must never leak a name or an address. */
/** A partner agency's known-to-services answer: the code and whether a contact route is on record. */
export class PartnerCheckSummaryView {
  @ApiProperty() agency: string;
  @ApiProperty({ format: 'uuid' }) checkId: string;
  @ApiProperty({ format: 'uuid' }) personId: string;
  @ApiProperty() answer: string;
  @ApiProperty() contactRouteAvailable: boolean;
  @ApiProperty({ format: 'date-time' }) answeredAt: string;
  @ApiProperty({ example: 'known to mental-health services: YES, contact route available' }) summary: string;
}

export class ScreeningWorkItem {
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ type: String, nullable: true, description: 'Null on a partner referral until the police attach it' }) crimeReference: string | null;
  @ApiProperty() status: CaseStatus;
  @ApiProperty({ format: 'date-time' }) referredAt: string;
  @ApiProperty({ format: 'date-time' }) screeningDueAt: string;
  @ApiProperty() overdue: boolean;
  @ApiPropertyOptional({
    type: PartnerCheckSummaryView,
    isArray: true,
    description: "Partner agencies' known-to-services answers on the case (screening list only)",
  })
  partnerChecks?: PartnerCheckSummaryView[];
}

export class ScreeningWorklistNext {
  @ApiProperty(NEXT) untriaged: string | null;
  @ApiProperty(NEXT) overdue: string | null;
}

export class ScreeningWorklist {
  @ApiProperty({ type: ScreeningWorkItem, isArray: true, description: 'Cases awaiting screening, triage or advice, due first' })
  untriaged: ScreeningWorkItem[];
  @ApiProperty({ type: ScreeningWorkItem, isArray: true, description: 'Cases whose screening clock runs past the target (awaiting screening, triage or advice), most overdue first' })
  overdue: ScreeningWorkItem[];
  @ApiProperty({ type: ScreeningWorklistNext, description: 'Cursor of the next page of each list' })
  next: ScreeningWorklistNext;
}

export class OverdueAdviceItem {
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ format: 'uuid' }) adviceId: string;
  @ApiProperty({ format: 'uuid' }) itemId: string;
  @ApiProperty() code: AdviceItemCode;
  @ApiProperty({ format: 'date-time' }) dueAt: string;
  @ApiPropertyOptional({ nullable: true }) caseOfficer: string | null;
}

export class OrderWorkItem {
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ format: 'uuid' }) orderId: string;
  @ApiProperty() orderType: OrderType;
  @ApiProperty({ format: 'date-time' }) dueAt: string;
}

export class ConsultationActionWorkItem {
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ format: 'uuid' }) actionId: string;
  @ApiProperty() ownerAgency: Agency;
  @ApiProperty({ format: 'date-time' }) dueAt: string;
}

export class BailReturnWorkItem {
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ type: String, nullable: true, description: 'Null on a partner referral until the police attach it' }) crimeReference: string | null;
  @ApiProperty({ format: 'date-time' }) bailReturnAt: string;
  @ApiProperty({ description: 'The return date has passed while the suspect is still recorded as bailed' }) overdue: boolean;
}

export class ConsultationToScheduleItem {
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ type: String, nullable: true, description: 'Null on a partner referral until the police attach it' }) crimeReference: string | null;
  @ApiProperty({ format: 'uuid' }) triageDecisionId: string;
  @ApiProperty({ format: 'date-time' }) triagedAt: string;
}

export class LeadWorklistNext {
  @ApiProperty(NEXT) overdueScreening: string | null;
  @ApiProperty(NEXT) overdueAdviceItems: string | null;
  @ApiProperty(NEXT) expiringOrders: string | null;
  @ApiProperty(NEXT) overdueNotifications: string | null;
  @ApiProperty(NEXT) overdueConsultationActions: string | null;
  @ApiProperty(NEXT) bailReturnsDue: string | null;
  @ApiProperty(NEXT) consultationsToSchedule: string | null;
}

export class LeadWorklist {
  @ApiProperty({ type: ScreeningWorkItem, isArray: true }) overdueScreening: ScreeningWorkItem[];
  @ApiProperty({ type: OverdueAdviceItem, isArray: true }) overdueAdviceItems: OverdueAdviceItem[];
  @ApiProperty({ type: OrderWorkItem, isArray: true, description: 'Orders in force ending within 28 days (dueAt = expiry)' })
  expiringOrders: OrderWorkItem[];
  @ApiProperty({ type: OrderWorkItem, isArray: true, description: 'SPO name-and-address notifications past due (dueAt = notification due)' })
  overdueNotifications: OrderWorkItem[];
  @ApiProperty({ type: ConsultationActionWorkItem, isArray: true }) overdueConsultationActions: ConsultationActionWorkItem[];
  @ApiProperty({ type: BailReturnWorkItem, isArray: true, description: 'Bail returns within 7 days or past (bail vs RUI, victim updates)' })
  bailReturnsDue: BailReturnWorkItem[];
  @ApiProperty({ type: ConsultationToScheduleItem, isArray: true, description: 'Triaged CONSULTATION with no consultation scheduled since' })
  consultationsToSchedule: ConsultationToScheduleItem[];
  @ApiProperty({ type: LeadWorklistNext, description: 'Cursor of the next page of each list' })
  next: LeadWorklistNext;
}

export class MyCaseItem {
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ type: String, nullable: true, description: 'Null on a partner referral until the police attach it' }) crimeReference: string | null;
  @ApiProperty() status: CaseStatus;
  @ApiProperty() cjStage: CjStage;
  @ApiProperty() openAdviceItems: number;
  @ApiProperty() overdueAdviceItems: number;
  @ApiPropertyOptional({ nullable: true, format: 'date-time', description: 'Earliest open advice item due date' })
  nextDueAt: string | null;
}

export class MyCasesWorklist {
  @ApiProperty({ type: MyCaseItem, isArray: true, description: 'Earliest open advice item first (cases without one last), then oldest referral' })
  cases: MyCaseItem[];
  @ApiProperty(NEXT) nextCursor: string | null;
}
