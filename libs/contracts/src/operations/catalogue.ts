import type { Operation } from './operation';
import { ORDER_OPERATIONS } from '../rpc/orders/orders.operations';
import { CPS_OPERATIONS } from '../rpc/cps/cps.operations';
import { PROBATION_OPERATIONS } from '../rpc/probation/probation.operations';
import { MENTAL_HEALTH_OPERATIONS } from '../rpc/mental-health/mental-health.operations';

/** Every request/reply operation of the platform: the gateway builds its routes and OpenAPI from this list. */
export const OPERATIONS: readonly Operation[] = [...ORDER_OPERATIONS, ...MENTAL_HEALTH_OPERATIONS, ...CPS_OPERATIONS, ...PROBATION_OPERATIONS] as readonly Operation[];
