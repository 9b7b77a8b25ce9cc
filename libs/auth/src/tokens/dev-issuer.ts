import { mkdirSync, readFileSync, writeFileSync, existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import type { Agency, Role } from '@stac/domain';
import { DEV_ISSUER_BASE } from './trusted-issuers';

/**
 * The local development identity provider: an ES256 key generated on first start under a directory
 * that is git-ignored, its public JWKS beside it. Never used when NODE_ENV=production.
 */
export async function ensureDevIssuerKeys(dir: string): Promise<{ jwksFile: string; privateFile: string }> {
  const privateFile = join(dir, 'private.jwk.json');
  const jwksFile = join(dir, 'jwks.json');
  if (existsSync(privateFile) && existsSync(jwksFile)) return { jwksFile, privateFile };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const pub = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(pub);
  const priv = { ...(await exportJWK(privateKey)), kid, alg: 'ES256' };
  // Write-then-rename so concurrent starters never read half a file.
  const tmp = `${privateFile}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(priv), { mode: 0o600 });
  writeFileSync(`${jwksFile}.${process.pid}.tmp`, JSON.stringify({ keys: [{ ...pub, kid, alg: 'ES256', use: 'sig' }] }));
  if (!existsSync(privateFile)) {
    renameSync(tmp, privateFile);
    renameSync(`${jwksFile}.${process.pid}.tmp`, jwksFile);
  }
  return { jwksFile, privateFile };
}

export interface DevTokenRequest {
  agency: Agency;
  roles: Role[];
  subject: string;
  audience: string;
  ttlSeconds?: number;
  notBefore?: number;
  /** Tests only: another `typ` header, or an older `iat`. */
  typ?: string;
  issuedAt?: number;
  /** The `team` claim: the team inside the agency (AC-02). */
  team?: string;
}

export async function mintDevToken(dir: string, r: DevTokenRequest): Promise<string> {
  const { privateFile } = await ensureDevIssuerKeys(dir);
  const jwk = JSON.parse(readFileSync(privateFile, 'utf8')) as JWK & { kid: string };
  const key = await importJWK(jwk, 'ES256');
  const now = Math.floor(Date.now() / 1000);
  // RFC 9068 access token type: verifiers refuse other JWTs (an ID token, a signed document) in its place.
  const jwt = new SignJWT({ roles: r.roles, ...(r.team ? { team: r.team } : {}) })
    .setProtectedHeader({ alg: 'ES256', kid: jwk.kid, typ: r.typ ?? 'at+jwt' })
    .setIssuer(`${DEV_ISSUER_BASE}/${r.agency}`)
    .setSubject(r.subject)
    .setAudience(r.audience)
    .setIssuedAt(r.issuedAt ?? now)
    .setExpirationTime(now + (r.ttlSeconds ?? 3600));
  if (r.notBefore !== undefined) jwt.setNotBefore(r.notBefore);
  return jwt.sign(key);
}
