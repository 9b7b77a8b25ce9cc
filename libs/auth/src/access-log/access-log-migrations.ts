import { AccessLogKeyedChain1796100000000 } from './access-log-keyed-chain.migration';
import { AccessLogSealing1796082000000 } from './access-log-sealing.migration';
import { AccessSchema1764201650000 } from './access-schema.migration';

/** Every access-log migration, in order; a domain service applies them after the messaging tables. */
export const ACCESS_LOG_MIGRATIONS = [AccessSchema1764201650000, AccessLogSealing1796082000000, AccessLogKeyedChain1796100000000];
