/** The error every config validator throws, and the range checks they share. */

export class ConfigError extends Error {
  readonly code = 'invalid-config';
  constructor(
    readonly field: string,
    readonly value: unknown,
    reason: string,
  ) {
    super(`Invalid ${field} = ${JSON.stringify(value)}: ${reason}`);
    this.name = 'ConfigError';
  }
}

export function checkInt(field: string, v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new ConfigError(field, v, `expected an integer in [${min}, ${max}]`);
  }
  return v;
}

export function checkNum(field: string, v: unknown, min: number, max: number, openMin = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v > max || (openMin ? v <= min : v < min)) {
    throw new ConfigError(field, v, `expected a number in ${openMin ? '(' : '['}${min}, ${max}]`);
  }
  return v;
}
