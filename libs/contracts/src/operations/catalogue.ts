import type { Operation } from './operation';
import { ORDER_OPERATIONS } from '../rpc/orders/orders.operations';
import { MENTAL_HEALTH_OPERATIONS } from '../rpc/mental-health/mental-health.operations';

/** Every request/reply operation of the platform: the gateway builds its routes and OpenAPI from this list. */
export const OPERATIONS: readonly Operation[] = [...ORDER_OPERATIONS, ...MENTAL_HEALTH_OPERATIONS] as readonly Operation[];
