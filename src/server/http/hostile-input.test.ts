import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditFiltersSchema } from "../../shared/audit";
import { bulkJobRequestSchema } from "../../shared/bulk-job";
import { failRequestSchema } from "../../shared/fail-request";
import { PROBLEM_CONTENT_TYPE, problemSchema } from "../../shared/problem";
import { FAIL_REASONS } from "../../shared/reasons";
import { parseTicketList } from "../../shared/ticket-list";
import { duplicateKeyIn } from "./strict-json";
import { startConsole } from "../../testing/test-harness";
import type { ConsoleUnderTest } from "../../testing/test-harness";

/**
 * Thousands of generated hostile bodies against the real BFF: every one is a 4xx problem+json,
 * never a 5xx, and no invalid one reaches the simulator. Runs are seeded, so a failure repeats.
 */
let running: ConsoleUnderTest;
beforeAll(async () => {
  running = await startConsole();
});
afterAll(() => running.close());

/** Per property; enough to meet every kind of hostile input many times, fast enough for npm test. */
const RUNS = 1000;
const SEED = 20261129;

const VALID = {
  serviceId: "1000000001",
  backchannelAuthenticationFailRequest: { ticket: "valid-ticket-123", reason: "ACCESS_DENIED" },
};

const nasty = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 300 }),
  fc.string({ unit: "binary", maxLength: 50 }),
  fc.constantFrom(
    "",
    " ",
    "1/../../service/delete",
    "1000000001/../2",
    "%31%30",
    "١٠٠٠٠٠٠٠٠١", // Arabic-Indic digits
    "１０００", // full-width digits
    "1000000001\r\nX-Injected: yes",
    "line\nbreak",
    'quote"and\\backslash',
    "\u0000nul",
    "javascript:alert(1)",
    "__proto__",
    "constructor",
    "x".repeat(5000),
  ),
);
const wrongType = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
);
const anyValue = fc.oneof(nasty, wrongType);

/** A fail body with at least one thing wrong with it. */
const hostileFailBody = fc.oneof(
  // A field replaced by something of the wrong kind.
  fc
    .record({
      path: fc.constantFrom("serviceId", "ticket", "reason", "errorDescription", "errorUri"),
      value: anyValue,
    })
    .map(({ path, value }) => {
      const body = structuredClone(VALID) as Record<string, unknown> & {
        backchannelAuthenticationFailRequest: Record<string, unknown>;
      };
      if (path === "serviceId") body.serviceId = value;
      else body.backchannelAuthenticationFailRequest[path] = value;
      return body;
    }),
  // A required field missing.
  fc.constantFrom("serviceId", "ticket", "reason").map((missing) => {
    const body = structuredClone(VALID) as Record<string, unknown> & {
      backchannelAuthenticationFailRequest: Record<string, unknown>;
    };
    if (missing === "serviceId") delete body.serviceId;
    else delete body.backchannelAuthenticationFailRequest[missing];
    return body;
  }),
  // Extra fields, at the top or inside, including prototype keys.
  fc
    .record({
      key: fc.oneof(
        fc.constantFrom("__proto__", "constructor", "prototype", "errorURI"),
        fc.string({ minLength: 1, maxLength: 20 }),
      ),
      value: anyValue,
      inside: fc.boolean(),
    })
    .map(({ key, value, inside }) => {
      const text = JSON.stringify(VALID);
      const extra = `${JSON.stringify(key)}:${JSON.stringify(value) ?? "null"}`;
      return inside
        ? text.replace('{"ticket"', `{${extra},"ticket"`)
        : text.replace("{", `{${extra},`);
    }),
  // Not an object at all.
  anyValue,
  // Deep nesting.
  fc.integer({ min: 50, max: 2000 }).map((depth) => `${"[".repeat(depth)}${"]".repeat(depth)}`),
  fc
    .integer({ min: 50, max: 1000 })
    .map((depth) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`),
);

function isValid(body: unknown): boolean {
  let value = body;
  if (typeof body === "string") {
    try {
      value = JSON.parse(body);
    } catch {
      return false;
    }
    if (duplicateKeyIn(body)) return false;
  }
  return failRequestSchema.safeParse(value).success;
}

function expectProblem4xx(answer: { status: number; headers: Headers; json: unknown }) {
  expect(answer.status).toBeGreaterThanOrEqual(400);
  expect(answer.status).toBeLessThan(500);
  expect(answer.headers.get("content-type")).toBe(PROBLEM_CONTENT_TYPE);
  problemSchema.parse(answer.json);
}

describe("hostile bodies on POST /api/backchannel/authentication/fail", () => {
  it(`answers ${RUNS} generated invalid bodies with a 4xx problem and sends none of them`, async () => {
    const before = running.upstreamCalls("/fail").length;
    await fc.assert(
      fc.asyncProperty(hostileFailBody, async (body) => {
        fc.pre(!isValid(body));
        const answer = await running.post(
          "/api/backchannel/authentication/fail",
          typeof body === "string" ? body : JSON.stringify(body),
        );
        expectProblem4xx(answer);
      }),
      { numRuns: RUNS, seed: SEED },
    );
    expect(running.upstreamCalls("/fail").length).toBe(before);
  });

  it.each([
    [
      "duplicate keys",
      `{"serviceId":"1000000001","serviceId":"2","backchannelAuthenticationFailRequest":{"ticket":"t","reason":"ACCESS_DENIED"}}`,
      "application/json",
    ],
    [
      "duplicate inner keys",
      `{"serviceId":"1","backchannelAuthenticationFailRequest":{"ticket":"t","reason":"ACCESS_DENIED","reason":"SERVER_ERROR"}}`,
      "application/json",
    ],
    ["text/plain", JSON.stringify(VALID), "text/plain"],
    [
      "form-encoded",
      "serviceId=1&ticket=t&reason=ACCESS_DENIED",
      "application/x-www-form-urlencoded",
    ],
    ["no content type", JSON.stringify(VALID), ""],
    ["broken JSON", '{"serviceId":', "application/json"],
    ["empty body", "", "application/json"],
  ])("refuses %s with a 4xx and sends nothing", async (_name, text, type) => {
    const before = running.upstreamCalls("/fail").length;
    const answer = await running.request("/api/backchannel/authentication/fail", {
      method: "POST",
      headers: type ? { "content-type": type } : {},
      body: text,
    });
    expectProblem4xx(answer);
    expect(running.upstreamCalls("/fail").length).toBe(before);
  });

  it("still fails a valid ticket afterwards (the BFF is not wedged)", async () => {
    const answer = await running.post("/api/backchannel/authentication/fail", VALID);
    expect(answer.status).toBe(200);
  });
});

describe("hostile input elsewhere", () => {
  it(`answers ${RUNS} generated /api/audit filters with 200 or a 4xx problem, never a 5xx`, async () => {
    const key = fc.constantFrom(
      "operator",
      "serviceId",
      "ticket",
      "reason",
      "outcome",
      "kind",
      "from",
      "to",
      "jobId",
      "cursor",
      "limit",
      "__proto__",
      "x",
    );
    await fc.assert(
      fc.asyncProperty(fc.dictionary(key, nasty, { maxKeys: 4 }), async (filters) => {
        const query = new URLSearchParams(filters).toString();
        const answer = await running.get(`/api/audit?${query}`);
        const { cursor: _cursor, limit: _limit, ...rest } = filters;
        if (answer.status === 200) {
          // Only filters the schema accepts get a 200.
          expect(auditFiltersSchema.safeParse(rest).success).toBe(true);
        } else {
          expectProblem4xx(answer);
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it(`answers ${Math.round(RUNS / 4)} hostile bulk jobs with a 4xx problem, starting none`, async () => {
    const before = running.upstreamCalls("/fail").length;
    const item = fc.oneof(
      fc.record({ ticket: nasty }),
      fc.record({ ticket: fc.constant("ok-ticket"), reason: nasty }),
      wrongType,
    );
    const body = fc.record({
      serviceId: fc.oneof(fc.constant("1000000001"), nasty),
      tickets: fc.oneof(fc.array(item, { maxLength: 5 }), wrongType),
      reason: fc.oneof(fc.constantFrom(...FAIL_REASONS), nasty),
    });
    await fc.assert(
      fc.asyncProperty(body, async (request) => {
        fc.pre(!bulkJobRequestSchema.safeParse(request).success);
        expectProblem4xx(await running.post("/api/bulk-jobs", request));
      }),
      { numRuns: Math.round(RUNS / 4), seed: SEED },
    );
    expect(running.upstreamCalls("/fail").length).toBe(before);
  });
});

describe("the ticket-list parser on anything", () => {
  it("never throws, keeps only valid distinct tickets, and accounts for every line", () => {
    const line = fc.oneof(
      nasty,
      fc.constant("ticket-abc"),
      fc
        .tuple(
          fc.constantFrom("ticket-abc", "t-2", "t 3"),
          fc.oneof(fc.constantFrom(...FAIL_REASONS), nasty),
        )
        .map(([t, r]) => `${t},${r}`),
      fc.constantFrom("", "# comment", "ticket,reason"),
    );
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 60 }),
        fc.constantFrom("\n", "\r\n", "\r"),
        (lines, newline) => {
          const text = lines.join(newline);
          const list = parseTicketList(text);
          const seen = new Set<string>();
          for (const { ticket, reason } of list.tickets) {
            expect(
              bulkJobRequestSchema.shape.tickets.element.safeParse({ ticket, reason }).success,
            ).toBe(true);
            expect(seen.has(ticket)).toBe(false);
            seen.add(ticket);
          }
          // Every line is a ticket, an invalid line, a duplicate, or one the format skips
          // (blank, a # comment, a ticket,reason header on line 1), and no line is two of these.
          const physical = text.split(/\r\n|\r|\n/);
          const skipped = physical.filter((raw, index) => {
            const trimmed = raw.trim();
            const first = trimmed
              .split(",")[0]!
              .trim()
              .replace(/^"(.*)"$/, "$1")
              .trim();
            return (
              trimmed === "" ||
              trimmed.startsWith("#") ||
              (index === 0 && first.toLowerCase() === "ticket")
            );
          }).length;
          const kept = [...list.tickets, ...list.invalid, ...list.duplicates].map((l) => l.line);
          expect(new Set(kept).size).toBe(kept.length);
          expect(kept.length + skipped).toBe(physical.length);
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );
  });
});
