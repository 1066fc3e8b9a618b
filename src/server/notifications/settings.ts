import { z } from "zod";
import { optional } from "../../shared/fail-request";

/**
 * Delivering client notifications from the console (decision 015): off unless the administrator
 * turns it on; https to public addresses only, but for the origins listed, exactly as written.
 */
export const notificationSettings = z
  .object({
    DELIVER_CLIENT_NOTIFICATIONS: z
      .enum(["true", "false"], { error: "must be true or false" })
      .default("false"),
    CLIENT_NOTIFICATION_ALLOWED_ORIGINS: optional(z.string()),
  })
  .transform((e, ctx) => {
    const allowedOrigins: string[] = [];
    for (const entry of (e.CLIENT_NOTIFICATION_ALLOWED_ORIGINS ?? "").split(",")) {
      const text = entry.trim();
      if (text === "") continue;
      const origin = originOf(text);
      if (origin === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["CLIENT_NOTIFICATION_ALLOWED_ORIGINS"],
          message: `'${text.slice(0, 80)}' is not an origin (scheme, host and port, such as https://client.internal:8443)`,
        });
        continue;
      }
      allowedOrigins.push(origin);
    }
    return {
      notifications: {
        deliver: e.DELIVER_CLIENT_NOTIFICATIONS === "true",
        allowedOrigins,
      },
    };
  });

/** An origin as written: http(s), a host, an optional port; nothing else. */
function originOf(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  const bare = url.pathname === "/" && !url.search && !url.hash && !url.username;
  if (!bare || (url.protocol !== "https:" && url.protocol !== "http:")) return undefined;
  return text.replace(/\/$/, "") === url.origin ? url.origin : undefined;
}
