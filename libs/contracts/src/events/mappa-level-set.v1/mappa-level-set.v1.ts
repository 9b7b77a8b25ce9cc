import { IsIn, IsUUID, Matches } from 'class-validator';
import { MAPPA_CATEGORIES, MAPPA_LEAD_AGENCIES, MAPPA_LEVELS, type MappaCategory, type MappaLeadAgency, type MappaLevel } from '@stac/domain';

/** `probation.mappa.level-set.v1`: MAPPA category and level set (D14), with the lead agency and next review. */
export class MappaLevelSetV1 {
  static readonly subject = 'probation.mappa.level-set.v1';
  static readonly eventType = 'probation.mappa.level-set';
  static readonly version = 1;

  @IsUUID()
  mappaId: string;

  @IsIn(MAPPA_CATEGORIES)
  category: MappaCategory;

  @IsIn(MAPPA_LEVELS)
  level: MappaLevel;

  @IsIn(MAPPA_LEAD_AGENCIES)
  leadAgency: MappaLeadAgency;

  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  nextReviewDate: string;
}
