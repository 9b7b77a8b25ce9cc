import type { Operation } from './operation';
import { ADVICE_OPERATIONS } from '../rpc/advice/advice.operations';
import { LIFECYCLE_OPERATIONS } from '../rpc/lifecycle/lifecycle.operations';
import { SCREENING_OPERATIONS } from '../rpc/screening/screening.operations';
import { CONSULTATION_OPERATIONS } from '../rpc/consultations/consultations.operations';
import { INCIDENT_OPERATIONS } from '../rpc/incidents-course-of-conduct/incidents.operations';
import { CASE_ACCESS_OPERATIONS } from '../rpc/case-access/case-access.operations';
import { WORKLIST_OPERATIONS } from '../rpc/worklists/worklists.operations';
import { REFERRAL_OPERATIONS } from '../rpc/create-referral/create-referral.operations';
import { RISK_OPERATIONS } from '../rpc/risk-operations/risk.operations';
import { PEOPLE_OPERATIONS } from '../rpc/people-register/people.operations';
import { ORDER_OPERATIONS } from '../rpc/orders/orders.operations';
import { ADVOCACY_OPERATIONS } from '../rpc/advocacy/advocacy.operations';
import { CPS_OPERATIONS } from '../rpc/cps/cps.operations';
import { INVESTIGATION_MILESTONE_OPERATIONS } from '../rpc/investigation-milestones/investigation-milestones.operations';
import { PROBATION_OPERATIONS } from '../rpc/probation/probation.operations';
import { MENTAL_HEALTH_OPERATIONS } from '../rpc/mental-health/mental-health.operations';

/** Every request/reply operation of the platform: the gateway builds its routes and OpenAPI from this list. */
export const OPERATIONS: readonly Operation[] = [
  ...REFERRAL_OPERATIONS,
  ...SCREENING_OPERATIONS,
  ...ADVICE_OPERATIONS,
  ...LIFECYCLE_OPERATIONS,
  ...INVESTIGATION_MILESTONE_OPERATIONS,
  ...PEOPLE_OPERATIONS,
  ...INCIDENT_OPERATIONS,
  ...ORDER_OPERATIONS,
  ...CONSULTATION_OPERATIONS,
  ...CASE_ACCESS_OPERATIONS,
  ...WORKLIST_OPERATIONS,
  ...RISK_OPERATIONS,
  ...ADVOCACY_OPERATIONS,
  ...MENTAL_HEALTH_OPERATIONS,
  ...CPS_OPERATIONS,
  ...PROBATION_OPERATIONS,
] as readonly Operation[];
