/**
 * Small helpers every layer may use (error text, number formatting) (src/, bench/, scripts/, e2e/). Like config/, it imports
 * nothing: no React, no tf.js, no other module.
 */
export { errorMessage } from './errors';
export { formatBytes, formatPercent, plural } from './format';
