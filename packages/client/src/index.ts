export { createSafeCityClient, trustedDocuments, withDocumentHash, type SafeCityClient, type SafeCityClientOptions, type SafeCityError, type SafeCityResult } from './client.js';
export type { JsonValue } from './json.js';
export * from './generated/graphql.js';
