import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigError, developmentEnabled } from '@stac/config';
import { AccessControl } from './access-control';
import { AccessLog } from './access-log/access-log';
import { ChainKey } from './access-log/access-log';
import { ACCESS_LOG_SETTINGS, AccessLogChainer, type AccessLogSettings } from './access-log/access-log-chainer';
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
  /** AUTH_TOKEN_TYPE and AUTH_MAX_TOKEN_AGE_SECONDS (defaults: at+jwt, one hour). */
  tokenType?: string;
  maxTokenAgeSeconds?: number;
  /** Services that hold data: the access log's chain key and anchoring (LAW-07). */
  accessLog?: { service: string; chainKey: string; anchorIntervalMs: number; namespace: string };
}

/** Trusted issuers from configuration; the dev issuer only when development is explicitly enabled (DP-04). */
export function trustedIssuers(s: AuthSettings): TrustedIssuer[] {
  let issuers: TrustedIssuer[];
  try {
    issuers = parseTrustedIssuers(s.issuersJson);
  } catch (e) {
    throw new ConfigError(`config: ${(e as Error).message}`);
  }
  if (s.devIssuerDir) {
    if (!developmentEnabled(s.nodeEnv))
      throw new ConfigError('config: AUTH_DEV_ISSUER_DIR is for development only (set NODE_ENV=development or test)');
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
    const verifier = new TokenVerifier(trustedIssuers(s), s.audience, {
      typ: s.tokenType ?? 'at+jwt',
      maxTokenAgeSeconds: s.maxTokenAgeSeconds ?? 3600,
    });
    if (withData && !s.accessLog) throw new ConfigError('config: a service holding data needs its access-log settings (AUDIT_CHAIN_KEY)');
    let accessLog: AccessLogSettings | undefined;
    if (s.accessLog) {
      let key: ChainKey;
      try {
        key = ChainKey.fromBase64(s.accessLog.chainKey);
      } catch (e) {
        throw new ConfigError(`config: ${(e as Error).message}`);
      }
      accessLog = { service: s.accessLog.service, key, anchorIntervalMs: s.accessLog.anchorIntervalMs, namespace: s.accessLog.namespace };
    }
    return {
      module: AuthModule,
      global: true,
      providers: [
        { provide: TokenVerifier, useValue: verifier },
        ...(withData ? [...DATA_PROVIDERS, { provide: ACCESS_LOG_SETTINGS, useValue: accessLog }] : []),
      ],
      exports: [TokenVerifier, ...(withData ? DATA_PROVIDERS : [])],
    };
  }
}
