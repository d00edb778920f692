export * from './deadlines.js';
export * from './levels.js';
export * from './rates.js';
export * from './vocabulary.js';
