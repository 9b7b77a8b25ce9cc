import { AGENCIES, type Agency } from '@stac/domain';

/**
 * A team inside an agency (AC-02): the team named by a token's `team` claim, as issued by one identity
 * provider. A team name means something only together with its issuer, so the same name from another
 * issuer (another force's IdP, the same agency's second IdP) is another team.
 */
export interface Team {
  issuer: string;
  team: string;
}

/** A `team` claim the platform accepts: a short code, never free text. */
export const TEAM_CLAIM = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

/**
 * The team that owns an agency's records where the domain has teams inside the agency (domain.md §2: the
 * police's S-TAC team, not every officer of the force). Agencies absent here are owned by the agency as
 * a whole (every user its issuers vouch for). OWNING_TEAMS.
 */
export type OwningTeams = Partial<Record<Agency, Team>>;
export const OWNING_TEAMS = Symbol('OWNING_TEAMS');

/** Parses OWNING_TEAMS: JSON {"<agency>": {"issuer": "https://...", "team": "<team claim>"}}. */
export function parseOwningTeams(json: string): OwningTeams {
  if (!json.trim()) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new Error('OWNING_TEAMS must be a JSON object');
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new Error('OWNING_TEAMS must be a JSON object');
  const out: OwningTeams = {};
  for (const [agency, value] of Object.entries(raw as Record<string, unknown>)) {
    if (!AGENCIES.includes(agency as Agency)) throw new Error(`OWNING_TEAMS: ${agency} is not an agency (${AGENCIES.join('|')})`);
    const t = value as Partial<Team> | null;
    if (!t || typeof t.issuer !== 'string' || !/^https:\/\//.test(t.issuer)) throw new Error(`OWNING_TEAMS.${agency}.issuer must be an https URL`);
    if (typeof t.team !== 'string' || !TEAM_CLAIM.test(t.team)) throw new Error(`OWNING_TEAMS.${agency}.team must be a team code`);
    out[agency as Agency] = { issuer: t.issuer, team: t.team };
  }
  return out;
}
