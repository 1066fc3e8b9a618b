import { z } from "zod";

export const ROLES = ["operator", "viewer"] as const;
export type Role = (typeof ROLES)[number];

/** POST /api/session (local mode): the operator's name for the records, and the access code. */
export const signInRequestSchema = z.strictObject({
  name: z
    .string({ error: "Enter your name." })
    .trim()
    .min(1, "Enter your name.")
    .max(100, "A name is at most 100 characters.")
    .regex(/^[^\p{Cc}]*$/u, "A name has no control characters."),
  accessCode: z
    .string({ error: "Enter the access code." })
    .trim()
    .min(1, "Enter the access code.")
    .max(200),
});
export type SignInRequest = z.output<typeof signInRequestSchema>;

/** GET /api/session: who is signed in. */
export const sessionSchema = z.object({
  name: z.string(),
  email: z.string().nullable(),
  role: z.enum(ROLES),
});
export type SessionInfo = z.infer<typeof sessionSchema>;

/** GET /api/session/method: how this console signs people in (before anyone is signed in). */
export const signInMethodSchema = z.object({ mode: z.enum(["local", "oidc"]) });
export type SignInMethod = z.infer<typeof signInMethodSchema>;
