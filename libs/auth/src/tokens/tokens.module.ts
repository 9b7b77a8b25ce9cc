import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigError } from '@stac/config';
import { TokenVerifier } from './token-verifier';
import { devIssuers, parseTrustedIssuers, type TrustedIssuer } from './trusted-issuers';

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

/** Token verification alone: what the edge needs (no database, no access log). */
@Module({})
export class TokensModule {
  static forRoot(s: AuthSettings): DynamicModule {
    return {
      module: TokensModule,
      global: true,
      providers: [{ provide: TokenVerifier, useValue: new TokenVerifier(trustedIssuers(s), s.audience) }],
      exports: [TokenVerifier],
    };
  }
}
