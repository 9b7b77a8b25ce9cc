import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigError } from '@stac/config';
import { AccessControl } from './access-control';
import { AccessLog, ChainKey } from './access-log/access-log';
import { ACCESS_LOG_SETTINGS, AccessLogChainer, type AccessLogSettings } from './access-log/access-log-chainer';
import { CaseAccessGrants } from './case-access-grants';
import { CaseRelationships } from './policy/case-relationships';
import { CaseAccessState } from './case-access-state';
import { CaseRestrictions } from './policy/case-restrictions';
import { FieldGroupGrants } from './policy/field-group-grants';
import { TokensModule, type AuthSettings } from './tokens/tokens.module';
import { OWNING_TEAMS, parseOwningTeams, type OwningTeams } from './policy/owning-teams';

export { trustedIssuers, type AuthSettings } from './tokens/tokens.module';

/** The access log's settings from configuration (LAW-07). */
export interface AccessLogConfig {
  service: string;
  /** AUDIT_CHAIN_KEY. */
  chainKey: string;
  anchorIntervalMs: number;
  namespace: string;
}

const DATA_PROVIDERS = [AccessLog, AccessLogChainer, CaseRelationships, CaseRestrictions, FieldGroupGrants, AccessControl, CaseAccessGrants, CaseAccessState];

/** A domain service's access control: token verification, the access log, case relationships and the decision point. */
@Module({})
export class AuthModule {
  static forService(s: AuthSettings & { accessLog: AccessLogConfig; /** OWNING_TEAMS (JSON). */ owningTeamsJson?: string }): DynamicModule {
    let key: ChainKey;
    let owningTeams: OwningTeams;
    try {
      key = ChainKey.fromBase64(s.accessLog.chainKey);
      owningTeams = parseOwningTeams(s.owningTeamsJson ?? '');
    } catch (e) {
      throw new ConfigError(`config: ${(e as Error).message}`);
    }
    const accessLog: AccessLogSettings = {
      service: s.accessLog.service,
      key,
      anchorIntervalMs: s.accessLog.anchorIntervalMs,
      namespace: s.accessLog.namespace,
    };
    return {
      module: AuthModule,
      global: true,
      imports: [TokensModule.forRoot(s)],
      providers: [...DATA_PROVIDERS, { provide: ACCESS_LOG_SETTINGS, useValue: accessLog }, { provide: OWNING_TEAMS, useValue: owningTeams }],
      exports: [TokensModule, ...DATA_PROVIDERS],
    };
  }
}
