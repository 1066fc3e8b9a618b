import { z } from "zod";
import { VISIBLE_TEXT } from "./text";

/**
 * Highest first. A supervisor may do all an operator may, and control anyone's bulk job; an
 * operator fails tickets and controls their own jobs; a viewer reads the audit log.
 */
export const ROLES = ["supervisor", "operator", "viewer"] as const;
export type Role = (typeof ROLES)[number];

/** Whether `role` may do what `needed` may (supervisor > operator > viewer). */
export function roleAllows(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) <= ROLES.indexOf(needed);
}

/** POST /api/session (local mode): the operator's name for the records, and the access code. */
export const signInRequestSchema = z.strictObject({
  name: z
    .string({ error: "Enter your name." })
    .trim()
    .min(1, "Enter your name.")
    .max(100, "A name is at most 100 characters.")
    .regex(VISIBLE_TEXT, "A name has no control or invisible formatting characters."),
  accessCode: z
    .string({ error: "Enter the access code." })
    .trim()
    .min(1, "Enter the access code.")
    .max(200),
});
export type SignInRequest = z.output<typeof signInRequestSchema>;

/** POST /api/session/sign-out (supervisors): end every session, or one person's. */
export const signOutRequestSchema = z.union([
  z.strictObject({ everyone: z.literal(true) }),
  z.strictObject({
    name: z
      .string({ error: "Enter a name, account or email." })
      .trim()
      .min(1, "Enter a name, account or email.")
      .max(254)
      .regex(VISIBLE_TEXT, "A name has no control or invisible formatting characters."),
  }),
]);

/** GET /api/session: who is signed in. */
export const sessionSchema = z.object({
  name: z.string(),
  email: z.string().nullable(),
  role: z.enum(ROLES),
  /** False when the name was typed with the shared access code: nothing proves it. */
  nameVerified: z.boolean(),
});
export type SessionInfo = z.infer<typeof sessionSchema>;

/**
 * GET /api/session/method: how this console signs people in (before anyone is signed in).
 * local: one shared access code and a typed name; accounts: CONSOLE_USERS, a name and a
 * personal code; oidc: the organisation's OpenID Provider.
 */
export const signInMethodSchema = z.object({ mode: z.enum(["local", "accounts", "oidc"]) });
export type SignInMethod = z.infer<typeof signInMethodSchema>;
