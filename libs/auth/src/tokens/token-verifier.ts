import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeJwt,
  jwtVerify,
  type JWTVerifyGetKey,
} from 'jose';
import { ROLES, type Role } from '@stac/domain';
import type { Principal } from '../policy/vocabulary';
import type { TrustedIssuer } from './trusted-issuers';
import { TEAM_CLAIM } from '../policy/owning-teams';

/** Algorithms accepted; `none` and symmetric algorithms never are (API-07). */
export const ALLOWED_ALGORITHMS = ['ES256', 'ES384', 'RS256', 'PS256', 'EdDSA'];

export class AuthenticationError extends Error {
  constructor(readonly reason: string) {
    super(`unauthenticated: ${reason}`);
    this.name = 'AuthenticationError';
  }
}

/** A local JWKS file re-read when a token names a kid it does not hold (key rotation in dev). */
function localKeys(file: string): JWTVerifyGetKey {
  let set = createLocalJWKSet(JSON.parse(readFileSync(file, 'utf8')));
  return async (header, token) => {
    try {
      return await set(header, token);
    } catch (e) {
      set = createLocalJWKSet(JSON.parse(readFileSync(file, 'utf8')));
      return set(header, token);
    }
  };
}

/** Verified tokens remembered at most this long (and never past their expiry or maximum age). */
export const VERIFIED_TOKEN_TTL_MS = 60_000;
/** Verified tokens remembered at once; the oldest is forgotten first. */
const VERIFIED_TOKEN_CAPACITY = 10_000;

/**
 * Verifies OIDC access tokens (JWT) against the trusted issuers: signature from the issuer's JWKS,
 * issuer, audience, expiry, not-before and the algorithm allow-list. The agency comes from the issuer.
 *
 * A token that verified is remembered by its SHA-256 (never the token itself) with the principal it
 * names, until the earliest of its expiry, its maximum age and a minute from now: a client's next request
 * with the same token costs a hash instead of a signature check, at every hop (gateway and each service).
 * Failures are never remembered. A key withdrawn from an issuer's JWKS stops tokens it signed within a
 * minute; a token's own expiry and age limit hold to the millisecond.
 */
export class TokenVerifier {
  private readonly keys = new Map<string, { issuer: TrustedIssuer; getKey: JWTVerifyGetKey }>();
  private readonly verified = new Map<string, { principal: Principal; until: number }>();

  constructor(
    issuers: readonly TrustedIssuer[],
    private readonly audience: string,
    /** The `typ` header required (API-07: an ID token or another JWT is not an access token) and the oldest `iat`. */
    private readonly options: { typ: string; maxTokenAgeSeconds: number } = { typ: 'at+jwt', maxTokenAgeSeconds: 3600 },
  ) {
    if (issuers.length === 0) throw new Error('no trusted token issuer configured');
    for (const i of issuers) {
      const getKey = i.jwksFile
        ? localKeys(i.jwksFile)
        : createRemoteJWKSet(new URL(i.jwksUri!), { cooldownDuration: 30_000, cacheMaxAge: 600_000, timeoutDuration: 3000 });
      this.keys.set(i.issuer, { issuer: i, getKey });
    }
  }

  async verify(token: string | undefined, now = Date.now()): Promise<Principal> {
    if (!token) throw new AuthenticationError('missing bearer token');
    const digest = createHash('sha256').update(token).digest('base64');
    const known = this.verified.get(digest);
    if (known && now < known.until) return { ...known.principal, roles: [...known.principal.roles] };
    if (known) this.verified.delete(digest);
    const { principal, expiresAt } = await this.verifySignature(token);
    if (this.verified.size >= VERIFIED_TOKEN_CAPACITY) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(digest, { principal, until: Math.min(expiresAt, now + VERIFIED_TOKEN_TTL_MS) });
    return principal;
  }

  private async verifySignature(token: string): Promise<{ principal: Principal; expiresAt: number }> {
    let iss: string | undefined;
    try {
      iss = decodeJwt(token).iss;
    } catch {
      throw new AuthenticationError('malformed token');
    }
    const trusted = iss ? this.keys.get(iss) : undefined;
    if (!trusted) throw new AuthenticationError('untrusted issuer');
    try {
      const { payload } = await jwtVerify(token, trusted.getKey, {
        issuer: trusted.issuer.issuer,
        audience: this.audience,
        algorithms: ALLOWED_ALGORITHMS,
        requiredClaims: ['sub', 'exp', 'iat'],
        typ: this.options.typ,
        maxTokenAge: this.options.maxTokenAgeSeconds,
        clockTolerance: 30,
      });
      const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is Role => ROLES.includes(r as Role)) : [];
      if (typeof payload.sub !== 'string' || !/^[\w.@:-]{1,128}$/.test(payload.sub)) throw new AuthenticationError('bad subject');
      // The team inside the agency, as this issuer names it (AC-02); a claim that is not a team code is no team.
      const team = typeof payload.team === 'string' && TEAM_CLAIM.test(payload.team) ? payload.team : undefined;
      // Remembered no longer than the token is valid: its expiry, and its maximum age from issue.
      const expiresAt = Math.min(payload.exp! * 1000, (payload.iat! + this.options.maxTokenAgeSeconds) * 1000);
      return {
        principal: { issuer: trusted.issuer.issuer, subject: payload.sub, agency: trusted.issuer.agency, roles, ...(team ? { team } : {}) },
        expiresAt,
      };
    } catch (e) {
      if (e instanceof AuthenticationError) throw e;
      // jose's codes (ERR_JWT_EXPIRED, ERR_JWS_SIGNATURE_VERIFICATION_FAILED, ...) are safe to log.
      throw new AuthenticationError((e as { code?: string }).code ?? 'invalid token');
    }
  }
}

/** `Authorization: Bearer <jwt>` → the token, or undefined. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  const m = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header.trim());
  return m?.[1];
}
