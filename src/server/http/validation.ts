import type { Context } from "hono";
import { validator } from "hono/validator";
import type { z } from "zod";
import type { Problem } from "../../shared/problem";
import { problemResponse } from "./problem";

type FieldErrors = NonNullable<Problem["errors"]>;

/** Called before the 400 is sent, e.g. to record the refused attempt. */
export type OnInvalid = (c: Context, input: unknown, errors: FieldErrors) => Promise<void>;

/**
 * The one validator wrapper: input checked against a shared zod schema, or a 400 problem with
 * one entry per invalid field. Nothing past it runs on invalid input.
 */
function validated<Target extends "json" | "query", T extends z.ZodType>(
  target: Target,
  schema: T,
  onInvalid?: OnInvalid,
) {
  return validator(target, async (value, c) => {
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    const errors = new Map<string, string>();
    const add = (path: PropertyKey[], message: string) => {
      const key = path.map(String).join(".") || "(body)";
      if (!errors.has(key)) errors.set(key, message);
    };
    for (const issue of result.error.issues) {
      if (issue.code === "unrecognized_keys") {
        for (const name of issue.keys)
          add([...issue.path, name], "This field is not part of the request.");
      } else {
        add(issue.path, issue.message);
      }
    }
    const fieldErrors = [...errors].map(([path, message]) => ({ path, message }));
    await onInvalid?.(c, value, fieldErrors);
    const count = `${errors.size} field${errors.size === 1 ? " is" : "s are"} invalid`;
    return problemResponse(c, {
      kind: "validation-failed",
      status: 400,
      title: "The request is invalid",
      detail: target === "json" ? `${count}; nothing was sent to Authlete.` : `${count}.`,
      errors: fieldErrors,
    });
  });
}

export function jsonBody<T extends z.ZodType>(schema: T, onInvalid?: OnInvalid) {
  return validated("json", schema, onInvalid);
}

export function queryParams<T extends z.ZodType>(schema: T) {
  return validated("query", schema);
}
