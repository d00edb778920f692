export { modules } from './modules.js';
export { schema, printedSchema } from './schema.js';
