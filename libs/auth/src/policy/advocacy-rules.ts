import type { Agency, Role } from '@stac/domain';
import type { PolicyRule } from './policy-table';
import type { Purpose, RelationshipKind } from './vocabulary';

/**
 * The advocacy charity's actions (domain.md §4 advocacy): its own records, opened by its owning team.
 * Other agencies never reach these operations; what the police may see (consent state, allocation,
 * plan status) comes through the case view's advocacy part under the advocacy-to-police agreement.
 */
export function advocacyRules(): PolicyRule[] {
  const advocacy: Agency[] = ['advocacy'];
  const staff: Role[] = ['advocate', 'advocacy-lead'];
  const lead: Role[] = ['advocacy-lead'];
  const owning: RelationshipKind[] = ['OWNING_TEAM', 'ASSIGNMENT'];
  const purposes: Purpose[] = ['care', 'safeguarding'];
  const rule = (action: string, description: string, roles: Role[], write: boolean, relationships: RelationshipKind[] = owning, p = purposes): PolicyRule => ({
    action,
    description,
    roles,
    agencies: advocacy,
    relationships,
    write,
    purposes: p,
  });
  return [
    rule('advocacy.read', 'Read the victim support record, contacts, needs, safety plans, update obligations and communications of a case', staff, false, [...owning, 'BREAK_GLASS']),
    rule('advocacy.support.manage', "Record the victim's consent (given, narrowed, withdrawn, re-engaged, declined) and enhanced rights", staff, true),
    rule('advocacy.consent.override', 'Record lawful sharing without consent (safeguarding) with its basis; the lead decides (AC-05)', lead, true),
    rule('advocacy.allocate', 'Allocate or re-allocate a case to an ISAC', lead, true),
    rule('advocacy.contact.record', 'Log a contact with the victim (notes are advocacy.notes)', staff, true),
    rule('advocacy.needs.record', 'Record a needs assessment', staff, true),
    rule('safety-plan.write', 'Draft, revise and move safety plans', staff, true),
    rule('victim-update.deliver', "Record delivery of a Victims' Code update", staff, true),
    rule('advocacy.preferences.manage', "Read and replace the victim's safe contact preferences (victim.contact)", staff, true),
    rule('advocacy.communication.send', 'Send a message or letter to the victim through the safe-contact path', staff, true),
    rule('advocacy.situation.record', "Record a change of the victim's situation (victim.location)", staff, true),
    rule('advocacy.feedback.record', 'Record a coded feedback questionnaire', staff, true),
    rule('advocacy.worklist.read', "The advocate's own worklist", staff, false, []),
    rule('advocacy.lead.read', "The lead's worklist and caseloads", lead, false, []),
    rule('advocacy.statistics.read', "Victims' Code compliance and feedback figures (aggregates only)", ['advocacy-lead', 'analyst'], false, [], ['statistics', 'care', 'safeguarding']),
  ];
}
