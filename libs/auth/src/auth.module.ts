import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigError } from '@stac/config';
import { AccessControl } from './access-control';
import { AccessLog } from './access-log/access-log';
import { AccessLogChainer } from './access-log/access-log-chainer';
import { CaseAccessGrants } from './case-access-grants';
import { CaseRelationships } from './policy/case-relationships';
import { TokenVerifier } from './tokens/token-verifier';
import { devIssuers, parseTrustedIssuers, type TrustedIssuer } from './tokens/trusted-issuers';

export interface AuthSettings {
  audience: string;
  /** AUTH_ISSUERS (JSON). */
  issuersJson: string;
  /** AUTH_DEV_ISSUER_DIR: enables the local dev issuer; refused in production. */
  devIssuerDir: string;
  nodeEnv: string;
}

/** Trusted issuers from configuration; the dev issuer only outside production. */
export function trustedIssuers(s: AuthSettings): TrustedIssuer[] {
  let issuers: TrustedIssuer[];
  try {
    issuers = parseTrustedIssuers(s.issuersJson);
  } catch (e) {
    throw new ConfigError(`config: ${(e as Error).message}`);
  }
  if (s.devIssuerDir) {
    if (s.nodeEnv === 'production') throw new ConfigError('config: AUTH_DEV_ISSUER_DIR must not be set in production');
    issuers.push(...devIssuers(`${s.devIssuerDir}/jwks.json`));
  }
  if (issuers.length === 0) throw new ConfigError('config: no token issuer configured (AUTH_ISSUERS or AUTH_DEV_ISSUER_DIR)');
  return issuers;
}

const DATA_PROVIDERS = [AccessLog, AccessLogChainer, CaseRelationships, AccessControl, CaseAccessGrants];

/** Token verification, the access log, case relationships and the per-request decision point. */
@Module({})
export class AuthModule {
  static forService(s: AuthSettings, withData = true): DynamicModule {
    const verifier = new TokenVerifier(trustedIssuers(s), s.audience);
    return {
      module: AuthModule,
      global: true,
      providers: [
        { provide: TokenVerifier, useValue: verifier },
        ...(withData ? DATA_PROVIDERS : []),
      ],
      exports: [TokenVerifier, ...(withData ? DATA_PROVIDERS : [])],
    };
  }
}
