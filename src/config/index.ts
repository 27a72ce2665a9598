/**
 * Typed defaults for the whole app, one file per domain. No imports from other modules: every other
 * module may depend on this one.
 *
 * A validator returns a new, filled-in config and never mutates the caller's; errors name the bad
 * value (see `ConfigError`).
 */

export { ConfigError } from './check';
export * from './model';
export * from './training';
export * from './capture';
export * from './verify';
export * from './face';
export * from './augment';
export * from './liveness';
