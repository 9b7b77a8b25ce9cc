import { loadConfig, SERVICE_ENV } from '@stac/config';

/** Probation's timing settings, validated like every other variable (libs/config/src/env-spec.ts). */
export class ProbationSettings {
  constructor(
    readonly releaseScanMs = 3_600_000,
    readonly releaseNoticeDays = 14,
    /** Working days until an enforcement review opened by a BREACHED / DISENGAGED intervention is due. */
    readonly enforcementReviewWorkingDays = 5,
  ) {}

  static fromEnv(env: NodeJS.ProcessEnv = process.env): ProbationSettings {
    const spec = SERVICE_ENV.probation;
    const c = loadConfig(
      {
        RELEASE_SCAN_SECONDS: spec.RELEASE_SCAN_SECONDS!,
        RELEASE_NOTICE_DAYS: spec.RELEASE_NOTICE_DAYS!,
        ENFORCEMENT_REVIEW_WORKING_DAYS: spec.ENFORCEMENT_REVIEW_WORKING_DAYS!,
      },
      env,
    );
    return new ProbationSettings(Number(c.RELEASE_SCAN_SECONDS) * 1000, Number(c.RELEASE_NOTICE_DAYS), Number(c.ENFORCEMENT_REVIEW_WORKING_DAYS));
  }
}
