/**
 * A generous bounding box of the territory of China (incl. the South China Sea islands):
 * latitudes 3.5-53.6 N, longitudes 73.4-135.1 E. A point outside is a typing error
 * (swapped or signless coordinates), not a checkpoint.
 */
export const CHINA_BOUNDS = { minLat: 3.5, maxLat: 53.6, minLon: 73.4, maxLon: 135.1 };

export function isInsideChina(latitude: number, longitude: number): boolean {
  return latitude >= CHINA_BOUNDS.minLat && latitude <= CHINA_BOUNDS.maxLat && longitude >= CHINA_BOUNDS.minLon && longitude <= CHINA_BOUNDS.maxLon;
}

/** Latitude/longitude in range at all (the GraphQL scalars check this too). */
export function isValidCoordinate(latitude: number, longitude: number): boolean {
  return Number.isFinite(latitude) && Number.isFinite(longitude) && Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180;
}
