import { operation } from '../../operations/operation';
import {
  INVESTIGATION_MILESTONE,
  InvestigationMilestoneCommand,
  InvestigationMilestoneListQuery,
  InvestigationMilestoneListView,
  InvestigationMilestoneSubmission,
  InvestigationMilestoneView,
} from './investigation-milestones';

/**
 * Investigation milestones that do not move the criminal-justice stage (suspect interviewed, bail
 * conditions changed, decision not to investigate) but owe the victim an update under the Victims' Code.
 * They live in intake because the police own the case file.
 */
export const RecordInvestigationMilestone = operation<InvestigationMilestoneCommand, InvestigationMilestoneView>({
  name: 'investigation.milestone.record',
  service: 'intake',
  subject: INVESTIGATION_MILESTONE.record,
  request: InvestigationMilestoneCommand,
  reply: InvestigationMilestoneView,
  action: 'investigation.milestone.record',
  access: { recordType: 'investigation-milestone', processing: 'collection', caseIdField: 'caseId', loggedBy: 'handler' },
  http: {
    method: 'POST',
    path: '/cases/:caseId/investigation-milestones',
    tag: 'case lifecycle',
    summary: "Record an investigation milestone the victim must be told about (Victims' Code)",
    description:
      'SUSPECT_INTERVIEWED (PRE_ARREST as a voluntary attendance, ARRESTED, BAILED, RUI, REMANDED, CHARGE_REQUESTED), ' +
      'BAIL_CONDITIONS_CHANGED (BAILED, CHARGED, AT_COURT, CONVICTED), DECISION_NOT_TO_INVESTIGATE (PRE_ARREST only, with a reason; ' +
      'after an arrest the same decision is the NFA stage). Another stage is 409 naming it. The stage does not move; ' +
      'intake.investigation.milestone-recorded is published and advocacy opens the update obligation.',
    body: InvestigationMilestoneSubmission,
    purpose: true,
    idempotent: true,
    status: 201,
    problems: [400, 403, 404, 409, 413, 415],
  },
});

export const ListInvestigationMilestones = operation<InvestigationMilestoneListQuery, InvestigationMilestoneListView>({
  name: 'investigation.milestone.list',
  service: 'intake',
  subject: INVESTIGATION_MILESTONE.list,
  request: InvestigationMilestoneListQuery,
  reply: InvestigationMilestoneListView,
  action: 'case.workflow.read',
  access: { recordType: 'investigation-milestone', processing: 'consultation', caseIdField: 'caseId', loggedBy: 'kernel' },
  http: {
    method: 'GET',
    path: '/cases/:caseId/investigation-milestones',
    tag: 'case lifecycle',
    summary: 'The investigation milestones of a case, oldest first',
    purpose: true,
    problems: [400, 403, 404],
  },
});

export const INVESTIGATION_MILESTONE_OPERATIONS = [RecordInvestigationMilestone, ListInvestigationMilestones] as const;
