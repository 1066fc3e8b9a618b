/**
 * The one clock shape every repository and runner receives (conventions, habit 14): tests move
 * it instead of waiting. `now()` is a Date; `epochMs()` its milliseconds, for leases and windows.
 */
export interface Clock {
  now: () => Date;
  epochMs: () => number;
}

export function clockFrom(epochMs: () => number = Date.now): Clock {
  return { now: () => new Date(epochMs()), epochMs };
}

export const SYSTEM_CLOCK: Clock = clockFrom();
