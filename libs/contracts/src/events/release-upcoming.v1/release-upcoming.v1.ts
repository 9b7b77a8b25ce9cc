import { IsInt, Matches, Min } from 'class-validator';

/** `probation.release.upcoming.v1`: a release falls within RELEASE_NOTICE_DAYS (notice ahead, once per date). Thin: the date. */
export class ReleaseUpcomingV1 {
  static readonly subject = 'probation.release.upcoming.v1';
  static readonly eventType = 'probation.release.upcoming';
  static readonly version = 1;

  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  releaseDate: string;

  @IsInt()
  @Min(0)
  daysAhead: number;
}
