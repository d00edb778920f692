import { defineErrors } from '@safecity/core';

/** The population module's closed set of expected failures. */
export const PopulationErrors = defineErrors('POPULATION', {
  RESIDENT_ID_INVALID: 'Not a valid resident identity number (GB 11643: 17 digits and a check character).',
  BIRTH_DATE_MISMATCH: 'The birth date does not match the one encoded in the identity number.',
  GENDER_MISMATCH: 'The gender does not match the one encoded in the identity number.',
  // Deliberately the same answer wherever the person is registered: it must not tell where.
  PERSON_EXISTS: 'This identity number is already on the register. If the person has moved here, register the arrival (registerArrival).',
  PERSON_NOT_ON_REGISTER: 'No person with this identity number is on the register: record the person (recordPerson), then register the residence.',
  NOT_AN_ARRIVAL: 'The person is on the register in this community: use registerResidence or changeResidence.',
  ARRIVAL_BEFORE_CURRENT_REGISTRATION: 'The arrival date lies before the start of the person’s current registration.',
  INFLOW_REASON_REQUIRED: 'A floating person needs an inflow reason and an inflow date.',
  INFLOW_DATE_IN_FUTURE: 'The inflow date lies in the future.',
  ADDRESS_TAKEN: 'A dwelling with this standard address is already on the register.',
  CAPACITY_BELOW_ROOMS: 'The capacity must be at least 1 and the rooms at least 1.',
  REGISTRATION_DATE_IN_FUTURE: 'The registration date lies in the future.',
  REGISTRATION_BEFORE_INFLOW: 'The registration date lies before the person’s inflow date.',
  ALREADY_REGISTERED: 'The person already has an active residence registration.',
  REGISTRATION_ENDED: 'The registration has already ended.',
  END_BEFORE_START: 'The date lies before the registration date.',
  SAME_DWELLING: 'The person is already registered at this dwelling.',
  VISIT_IN_FUTURE: 'The visit time lies in the future.',
  NOT_A_TENANT: 'The person has no active registration at this dwelling.',
  PERIOD_INVALID: 'A period is YYYY, YYYY-Qn or YYYY-MM.',
  ESTIMATE_LEVEL: 'Floating-population estimates are recorded per community (12-digit code).',
  NOT_URBAN_VILLAGE_BUILDING: 'The five-ones checklist applies to urban-village buildings only.',
  CSV_TOO_LARGE: 'The CSV text is larger than allowed.',
  CSV_MALFORMED: 'The CSV text cannot be parsed.',
  CSV_HEADER_MISSING: 'The CSV header lacks required columns.',
  CSV_VALUE_INVALID: 'A CSV value is invalid.',
  DWELLING_UNKNOWN: 'No dwelling with this standard address in your jurisdiction.',
});

export type PopulationErrorKey = keyof typeof PopulationErrors.codes;
