import { validator } from "hono/validator";
import type { z } from "zod";
import { problemResponse } from "./problem";

/**
 * The one validator wrapper: a JSON body checked against a shared zod schema, or a 400 problem
 * with one entry per invalid field. Nothing past it runs on invalid input.
 */
export function jsonBody<T extends z.ZodType>(schema: T) {
  return validator("json", (value, c) => {
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
    return problemResponse(c, {
      kind: "validation-failed",
      status: 400,
      title: "The request is invalid",
      detail: `${errors.size} field${errors.size === 1 ? " is" : "s are"} invalid; nothing was sent to Authlete.`,
      errors: [...errors].map(([path, message]) => ({ path, message })),
    });
  });
}
