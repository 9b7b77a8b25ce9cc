import { loadConfig, SERVICE_ENV } from '@stac/config';

/** The charity's timing settings, validated like every other variable (libs/config/src/env-spec.ts). */
export class AdvocacySettings {
  constructor(
    /** How often the escalation scan looks for update obligations past due (0 = off). */
    readonly escalationScanMs = 300_000,
    /** Working days after a release or licence end by which the safety plan in force is to be reviewed. */
    readonly releaseReviewWorkingDays = 2,
    /** Working days after a release or licence end by which the victim contact scheme update is due. */
    readonly releaseContactWorkingDays = 1,
  ) {}

  static fromEnv(env: NodeJS.ProcessEnv = process.env): AdvocacySettings {
    const spec = SERVICE_ENV.advocacy;
    const c = loadConfig(
      {
        UPDATE_ESCALATION_SCAN_SECONDS: spec.UPDATE_ESCALATION_SCAN_SECONDS!,
        RELEASE_REVIEW_WORKING_DAYS: spec.RELEASE_REVIEW_WORKING_DAYS!,
        RELEASE_CONTACT_WORKING_DAYS: spec.RELEASE_CONTACT_WORKING_DAYS!,
      },
      env,
    );
    return new AdvocacySettings(Number(c.UPDATE_ESCALATION_SCAN_SECONDS) * 1000, Number(c.RELEASE_REVIEW_WORKING_DAYS), Number(c.RELEASE_CONTACT_WORKING_DAYS));
  }
}
