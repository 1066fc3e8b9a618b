import { z } from "zod";

/**
 * Every non-2xx answer of the BFF: RFC 9457 problem details, plus the fields an operator needs
 * to understand an Authlete refusal.
 */
export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  requestId: z.string().optional(),
  /** One entry per invalid field, with its path in the request body. */
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  /** The HTTP status Authlete answered with, when it answered. */
  upstreamStatus: z.number().int().optional(),
  resultCode: z.string().optional(),
  resultMessage: z.string().optional(),
});

export type Problem = z.infer<typeof problemSchema>;

export const PROBLEM_CONTENT_TYPE = "application/problem+json";
