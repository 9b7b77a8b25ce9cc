import type { Operation } from './operation';
import { ORDER_OPERATIONS } from '../rpc/orders/orders.operations';
import { CPS_OPERATIONS } from '../rpc/cps/cps.operations';

/** Every request/reply operation of the platform: the gateway builds its routes and OpenAPI from this list. */
export const OPERATIONS: readonly Operation[] = [...ORDER_OPERATIONS, ...CPS_OPERATIONS] as readonly Operation[];
