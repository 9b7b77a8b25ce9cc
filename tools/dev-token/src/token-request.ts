import { TEAM_CLAIM, type DevTokenRequest } from '@stac/auth';
import { AGENCIES, ROLES, type Agency, type Role } from '@stac/domain';

/** What a developer asks the dev issuer for: from the CLI's flags or the identity provider's JSON body. */
export interface TokenAsk {
  agency?: unknown;
  roles?: unknown;
  sub?: unknown;
  ttl?: unknown;
  audience?: unknown;
  /** The `team` claim: the team inside the agency (AC-02). */
  team?: unknown;
}

export class TokenAskError extends Error {}

/** Checks a token ask and names the first thing wrong with it. */
export function tokenRequest(ask: TokenAsk, defaultAudience: string): DevTokenRequest {
  const agency = ask.agency as Agency;
  if (!AGENCIES.includes(agency)) throw new TokenAskError(`agency must be one of ${AGENCIES.join(', ')}`);
  const roles = (Array.isArray(ask.roles) ? ask.roles : [ask.roles]).flatMap((r) => (typeof r === 'string' ? r.split(',') : [r]));
  if (roles.length === 0 || roles.some((r) => !ROLES.includes(r as Role)))
    throw new TokenAskError(`roles must be one or more of ${ROLES.join(', ')}`);
  const subject = ask.sub ?? 'dev-user';
  if (typeof subject !== 'string' || !/^[A-Za-z0-9._@-]{1,64}$/.test(subject))
    throw new TokenAskError('sub must be 1-64 letters, digits or ._@-');
  const ttlSeconds = Number(ask.ttl ?? 3600);
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > 86400) throw new TokenAskError('ttl must be 1-86400 seconds');
  const audience = ask.audience ?? defaultAudience;
  if (typeof audience !== 'string' || !audience) throw new TokenAskError('audience must be a non-empty string');
  if (ask.team !== undefined && (typeof ask.team !== 'string' || !TEAM_CLAIM.test(ask.team)))
    throw new TokenAskError('team must be a team code (letters, digits, ._:-; at most 64)');
  return { agency, roles: roles as Role[], subject, audience, ttlSeconds, ...(ask.team ? { team: ask.team as string } : {}) };
}
