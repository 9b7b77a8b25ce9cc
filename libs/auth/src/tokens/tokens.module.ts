import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigError, developmentEnabled } from '@stac/config';
import { TokenVerifier } from './token-verifier';
import { devIssuers, parseTrustedIssuers, type TrustedIssuer } from './trusted-issuers';

export interface AuthSettings {
  audience: string;
  /** AUTH_ISSUERS (JSON). */
  issuersJson: string;
  /** AUTH_DEV_ISSUER_DIR: enables the local dev issuer; development only. */
  devIssuerDir: string;
  /** AUTH_DEV_ISSUER_URL: the dev issuer's keys served by the development identity provider; development only. */
  devIssuerUrl?: string;
  nodeEnv: string;
  /** AUTH_TOKEN_TYPE and AUTH_MAX_TOKEN_AGE_SECONDS (defaults: at+jwt, one hour). */
  tokenType?: string;
  maxTokenAgeSeconds?: number;
}

/** Trusted issuers from configuration; the dev issuer only when development is explicitly enabled (DP-02). */
export function trustedIssuers(s: AuthSettings): TrustedIssuer[] {
  let issuers: TrustedIssuer[];
  try {
    issuers = parseTrustedIssuers(s.issuersJson);
  } catch (e) {
    throw new ConfigError(`config: ${(e as Error).message}`);
  }
  for (const [name, value] of [['AUTH_DEV_ISSUER_DIR', s.devIssuerDir], ['AUTH_DEV_ISSUER_URL', s.devIssuerUrl]] as const)
    if (value && !developmentEnabled(s.nodeEnv))
      throw new ConfigError(`config: ${name} is for development only (set NODE_ENV=development or test)`);
  if (s.devIssuerDir && s.devIssuerUrl) throw new ConfigError('config: set AUTH_DEV_ISSUER_DIR or AUTH_DEV_ISSUER_URL, not both');
  if (s.devIssuerDir) issuers.push(...devIssuers({ jwksFile: `${s.devIssuerDir}/jwks.json` }));
  if (s.devIssuerUrl) {
    let jwksUri: string;
    try {
      jwksUri = new URL('jwks.json', s.devIssuerUrl.endsWith('/') ? s.devIssuerUrl : `${s.devIssuerUrl}/`).toString();
    } catch {
      throw new ConfigError('config: AUTH_DEV_ISSUER_URL must be a URL');
    }
    issuers.push(...devIssuers({ jwksUri }));
  }
  if (issuers.length === 0) throw new ConfigError('config: no token issuer configured (AUTH_ISSUERS or AUTH_DEV_ISSUER_DIR)');
  return issuers;
}

/** Token verification alone: what the edge needs (no database, no access log). */
@Module({})
export class TokensModule {
  static forRoot(s: AuthSettings): DynamicModule {
    const verifier = new TokenVerifier(trustedIssuers(s), s.audience, {
      typ: s.tokenType ?? 'at+jwt',
      maxTokenAgeSeconds: s.maxTokenAgeSeconds ?? 3600,
    });
    return {
      module: TokensModule,
      global: true,
      providers: [{ provide: TokenVerifier, useValue: verifier }],
      exports: [TokenVerifier],
    };
  }
}
