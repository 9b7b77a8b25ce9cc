import { AGENCIES, type Agency } from '@stac/domain';

/** An identity provider the platform trusts, and the agency its users belong to. */
export interface TrustedIssuer {
  issuer: string;
  agency: Agency;
  /** Remote JWKS (production): cached, refreshed on an unknown kid (key rotation). */
  jwksUri?: string;
  /** Local JWKS file (the dev issuer). */
  jwksFile?: string;
}

export const DEV_ISSUER_BASE = 'https://dev-issuer.stac.invalid';

/** Parses AUTH_ISSUERS: a JSON array of {issuer, agency, jwksUri}. */
export function parseTrustedIssuers(json: string): TrustedIssuer[] {
  if (!json.trim()) return [];
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new Error('AUTH_ISSUERS must be a JSON array');
  }
  if (!Array.isArray(raw)) throw new Error('AUTH_ISSUERS must be a JSON array');
  return raw.map((r, i) => {
    const o = r as Record<string, unknown>;
    if (typeof o.issuer !== 'string' || !/^https:\/\//.test(o.issuer)) throw new Error(`AUTH_ISSUERS[${i}].issuer must be an https URL`);
    if (!AGENCIES.includes(o.agency as Agency)) throw new Error(`AUTH_ISSUERS[${i}].agency must be one of ${AGENCIES.join('|')}`);
    if (typeof o.jwksUri !== 'string' || !/^https:\/\//.test(o.jwksUri)) throw new Error(`AUTH_ISSUERS[${i}].jwksUri must be an https URL`);
    if (o.issuer.startsWith(DEV_ISSUER_BASE)) throw new Error(`AUTH_ISSUERS[${i}] must not name the dev issuer`);
    return { issuer: o.issuer, agency: o.agency as Agency, jwksUri: o.jwksUri };
  });
}

/**
 * One dev issuer per agency (same key), so a dev token's agency still comes from its issuer. Its keys
 * are a local file (`pnpm start`, tests) or the development identity provider's JWKS over HTTP (the
 * compose local profile).
 */
export function devIssuers(keys: { jwksFile: string } | { jwksUri: string }): TrustedIssuer[] {
  return AGENCIES.map((agency) => ({ issuer: `${DEV_ISSUER_BASE}/${agency}`, agency, ...keys }));
}
