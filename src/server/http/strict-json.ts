import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./app-env";
import { problemResponse } from "./problem";

/**
 * Finds a key written twice in one JSON object. Parsers disagree on which one wins (JSON.parse
 * takes the last), so a body that says two things is refused rather than guessed at.
 * Assumes well-formed JSON; anything else is left to JSON.parse to refuse.
 */
export function duplicateKeyIn(text: string): string | undefined {
  const objects: (Set<string> | null)[] = [];
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === "{") objects.push(new Set());
    else if (char === "[") objects.push(null);
    else if (char === "}" || char === "]") objects.pop();
    else if (char === '"') {
      let end = i + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === "\\" ? 2 : 1;
      const token = text.slice(i, end + 1);
      i = end;
      let next = i + 1;
      while (next < text.length && /\s/.test(text[next]!)) next++;
      const keys = objects.at(-1);
      if (text[next] !== ":" || !keys) continue;
      let key: string;
      try {
        key = JSON.parse(token) as string;
      } catch {
        return undefined;
      }
      if (keys.has(key)) return key;
      keys.add(key);
    }
  }
  return undefined;
}

/** Refuses JSON bodies with duplicate keys before any route reads them. */
export function refuseDuplicateKeys(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const type = c.req.header("content-type") ?? "";
    if (c.req.method === "GET" || !/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) return next();
    const duplicate = duplicateKeyIn(await c.req.text());
    if (duplicate === undefined) return next();
    return problemResponse(c, {
      kind: "validation-failed",
      status: 400,
      title: "The request is invalid",
      detail: "A field is written twice in one object; nothing was sent to Authlete.",
      errors: [{ path: duplicate, message: "This field is written twice." }],
    });
  };
}
