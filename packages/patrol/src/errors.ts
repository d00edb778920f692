import { defineErrors } from '@safecity/core';

export const PatrolErrors = defineErrors('PATROL', {
  COORDINATES_INVALID: 'Latitude must lie within ±90 and longitude within ±180.',
  COORDINATES_OUTSIDE_CHINA: 'The coordinates lie outside China (swapped or missing a sign?).',
  DUTY_LOG_OVERLAP: 'This person already has a duty log overlapping that time.',
  DUTY_LOG_INTERVAL_INVALID: 'A duty log ends after it starts and lasts at most 24 hours.',
  TEAM_CHECKPOINT_MISMATCH: 'The checkpoint lies outside the jurisdiction of the team.',
  ALERT_TIMES_INVALID: 'Dispatch and arrival cannot precede the alert.',
  ROSTER_TEAMS_INVALID: 'A three-shift roster needs exactly three teams at the checkpoint.',
  RANGE_TOO_LONG: 'The date range is too long.',
  POINT_NOT_IN_ACTIVATION: 'The checkpoint is not one of the points of this activation.',
  CHECK_IN_DUPLICATE: 'This point has already checked in for this activation.',
  TOO_MANY_POINTS: 'A joint-duty rule names at most 100 temporary duty points.',
  POINT_NOT_TEMPORARY: 'Joint-duty points must be temporary duty points inside the jurisdiction.',
  BLOCK_COMMUNITY_INVALID: 'Blocks group communities (12-digit codes) inside the block jurisdiction.',
  FEEDBACK_RATING_INVALID: 'Ratings run from 1 to 5.',
});
