import { CoreErrors } from './errors.js';
import { isDivisionCode } from './jurisdiction.js';

/**
 * Relay global ids: base64url of `Typename:rowId`. The one encoder and decoder of the platform
 * (the builder's relay options, `node(id:)` and every module's id arguments use them), so a
 * malformed id, a malformed row id inside a well-formed global id, or an id of the wrong type is
 * refused with CORE_ID_MALFORMED before anything reaches SQL.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: string): boolean => UUID.test(s);

/** Row ids are UUIDs, except jurisdictions, whose id is their division code. */
export function isRowId(typename: string, id: string): boolean {
  return typename === 'Jurisdiction' ? isDivisionCode(id) : isUuid(id);
}

export function encodeGlobalId(typename: string, id: string | number | bigint): string {
  return Buffer.from(`${typename}:${id}`, 'utf8').toString('base64url');
}

export interface DecodedGlobalId {
  typename: string;
  id: string;
}

function malformed(field: string | null, expected?: string) {
  return CoreErrors.error('ID_MALFORMED', expected ? `Expected the id of a ${expected}.` : 'Malformed id.', field ? { field } : {});
}

/** Decodes a global id; anything but `Typename:<row id>` is CORE_ID_MALFORMED. */
export function decodeGlobalId(globalId: string, field: string | null = null): DecodedGlobalId {
  if (typeof globalId !== 'string' || globalId.length > 200 || !/^[A-Za-z0-9_-]+={0,2}$/.test(globalId)) throw malformed(field);
  const decoded = Buffer.from(globalId, 'base64url').toString('utf8');
  const i = decoded.indexOf(':');
  if (i <= 0) throw malformed(field);
  const typename = decoded.slice(0, i);
  const id = decoded.slice(i + 1);
  if (!/^[A-Za-z]{1,60}$/.test(typename) || !isRowId(typename, id)) throw malformed(field);
  return { typename, id };
}

/**
 * The row id of a global id that must be of `typename` (already decoded by the relay plugin or
 * still a string). The wrong type is CORE_ID_MALFORMED with the field at fault.
 */
export function idOfType(globalId: string | DecodedGlobalId, typename: string, field: string): string {
  const g = typeof globalId === 'string' ? decodeGlobalId(globalId, field) : globalId;
  if (g.typename !== typename || !isRowId(typename, String(g.id))) throw malformed(field, typename);
  return String(g.id);
}
