import { Module, type DynamicModule } from '@nestjs/common';
import { AccessControl } from './access-control';
import { AccessLog } from './access-log/access-log';
import { AccessLogChainer } from './access-log/access-log-chainer';
import { CaseAccessGrants } from './case-access-grants';
import { CaseRelationships } from './policy/case-relationships';
import { TokensModule, type AuthSettings } from './tokens/tokens.module';

export { trustedIssuers, type AuthSettings } from './tokens/tokens.module';

const DATA_PROVIDERS = [AccessLog, AccessLogChainer, CaseRelationships, AccessControl, CaseAccessGrants];

/** A domain service's access control: token verification, the access log, case relationships and the decision point. */
@Module({})
export class AuthModule {
  static forService(s: AuthSettings): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      imports: [TokensModule.forRoot(s)],
      providers: DATA_PROVIDERS,
      exports: [TokensModule, ...DATA_PROVIDERS],
    };
  }
}
