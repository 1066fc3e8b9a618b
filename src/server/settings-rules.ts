import { z } from "zod";

/** A whole number of `what` from `min` to `max`, its message naming the unit (never the value). */
export const wholeNumber = (what: string, min: number, max: number) =>
  z.coerce
    .number({ error: `must be a number of ${what}` })
    .int(`must be a whole number of ${what}`)
    .min(min, `must be ${min} to ${max} ${what}`)
    .max(max, `must be ${min} to ${max} ${what}`);
