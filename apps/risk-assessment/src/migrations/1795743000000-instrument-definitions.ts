import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Version 1 of every risk instrument, as data. The S-DASH questions are paraphrased for the data
 * model and rendered with the attribution. SASH and SRP are licensed: only which judgements they
 * record is stored here, never their items (a CHECK constraint refuses item keys for them).
 * Reviewed SQL and data: never edit after landing; add a new version in a new migration.
 */
export const INSTRUMENT_SEED_V1 = [
  {
    code: 'S_DASH',
    version: 1,
    title: 'S-DASH stalking screening questions',
    licence: 'OPEN',
    subjects: ['VICTIM_SITUATION'],
    attribution:
      'S-DASH: the stalking and harassment screening questions of the DASH (2009) risk model developed by Laura Richards ' +
      'with ACPO and CAADA (now SafeLives). Wording here is paraphrased; use the published form for the authoritative text.',
    whenToUse:
      'Screen with the S-DASH when there have been 2 or more incidents, or the victim is very frightened. ' +
      'The number of yes answers is information for the assessor: the risk level is set by professional judgement.',
    gatewayQuestion: {
      code: 'DASH_STALKING_GATEWAY',
      text: 'Is the suspect constantly contacting, following, stalking or harassing the victim?',
      guidance: 'If yes, and there are 2 or more incidents or the victim is very frightened, complete the S-DASH questions.',
    },
    questions: [
      { code: 'VERY_FRIGHTENED', text: 'Is the victim very frightened?' },
      { code: 'PREVIOUS_HARASSMENT', text: 'Has the suspect stalked or harassed the victim before?' },
      { code: 'PROPERTY_DAMAGED', text: "Has the suspect damaged or destroyed the victim's property?" },
      { code: 'VISITS_HOME_OR_WORK', text: "Does the suspect turn up at the victim's home or workplace more than three times a week?" },
      { code: 'LOITERING', text: 'Does the suspect loiter near places the victim lives, works or goes?' },
      { code: 'THREATS_OF_VIOLENCE', text: 'Has the suspect threatened physical or sexual violence?' },
      { code: 'THIRD_PARTIES_HARASSED', text: 'Has the suspect harassed third parties connected to the victim (family, friends, colleagues, new partner)?' },
      { code: 'VIOLENCE_DURING_STALKING', text: 'Has the suspect acted violently toward anyone during this stalking?' },
      { code: 'OTHERS_RECRUITED', text: 'Has the suspect recruited others to help with the stalking?' },
      { code: 'SUBSTANCE_MISUSE', text: 'Does the suspect misuse drugs or alcohol?' },
      { code: 'HISTORY_OF_VIOLENCE', text: 'Does the suspect have a history of violence?' },
    ],
    judgementFields: ['level', 'rationale'],
    requiredAtSubmit: ['answers', 'level', 'rationale'],
  },
  {
    code: 'DASH',
    version: 1,
    title: 'DASH risk identification (recorded as a tick count)',
    licence: 'OPEN',
    subjects: ['VICTIM_SITUATION'],
    attribution: 'DASH (2009) risk identification checklist, SafeLives. Completed on the published form; only the tick count is recorded here.',
    whenToUse: 'Domestic context. 14 or more ticks flag the case for a MARAC referral; professional judgement may refer with fewer.',
    tickCount: { max: 27, maracThreshold: 14 },
    judgementFields: ['level', 'rationale'],
    requiredAtSubmit: ['tickCount', 'level', 'rationale'],
  },
  {
    code: 'SASH',
    version: 1,
    title: 'SASH screening (licensed: judgement only)',
    licence: 'LICENSED',
    subjects: ['PERSON_OF_CONCERN'],
    attribution: 'Screening Assessment for Stalking and Harassment. Licensed instrument: completed outside the platform; only the judgement is recorded.',
    judgementFields: ['level', 'rationale'],
    requiredAtSubmit: ['level', 'rationale'],
  },
  {
    code: 'SRP',
    version: 1,
    title: 'Stalking Risk Profile (licensed: judgement only)',
    licence: 'LICENSED',
    subjects: ['PERSON_OF_CONCERN'],
    attribution: 'Stalking Risk Profile (MacKenzie et al.). Licensed instrument: completed outside the platform; only the judgements are recorded.',
    judgementFields: ['level', 'rationale', 'domainLevels', 'stalkerType', 'formulation'],
    requiredAtSubmit: ['level', 'rationale', 'domainLevels', 'stalkerType'],
  },
  {
    code: 'PROFESSIONAL_JUDGEMENT',
    version: 1,
    title: 'Structured professional judgement',
    licence: 'OPEN',
    subjects: ['VICTIM_SITUATION', 'PERSON_OF_CONCERN'],
    whenToUse:
      'Formulation by the assessor or a multi-agency consultation: risk of violence, persistence, recurrence and psychosocial damage, ' +
      'stalker type and formulation; or a judgement on the victim situation at a trigger event.',
    judgementFields: ['level', 'rationale', 'domainLevels', 'stalkerType', 'formulation'],
    requiredAtSubmit: ['level', 'rationale'],
  },
] as const;

export class InstrumentDefinitions1795743000000 implements MigrationInterface {
  name = 'InstrumentDefinitions1795743000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE instrument_definition (
        code         text NOT NULL,
        version      integer NOT NULL CHECK (version >= 1),
        licence      text NOT NULL CHECK (licence IN ('OPEN', 'LICENSED')),
        definition   jsonb NOT NULL,
        published_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (code, version),
        CONSTRAINT instrument_definition_matches CHECK (definition->>'code' = code AND (definition->>'version')::int = version
                                                        AND definition->>'licence' = licence),
        -- Licensed instruments: judgement fields only, never their items.
        CONSTRAINT licensed_instrument_without_items CHECK (
          licence = 'OPEN' OR NOT (definition ?| array['questions', 'items', 'gatewayQuestion', 'tickCount']))
      )`);
    for (const d of INSTRUMENT_SEED_V1) {
      await q.query(`INSERT INTO instrument_definition (code, version, licence, definition) VALUES ($1, $2, $3, $4)`, [
        d.code,
        d.version,
        d.licence,
        JSON.stringify(d),
      ]);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE instrument_definition`);
  }
}
