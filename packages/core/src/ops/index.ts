export * from './config.js';
export * from './metrics.js';
export * from './operability.js';
export * from './rate-limit.js';
export * from './tracing.js';
