import { describe, expect, it } from "vitest";
import { SlidingWindowLimiter } from "./rate-limit";

describe("SlidingWindowLimiter", () => {
  it("allows `limit` actions in any window and says when the next one is allowed", () => {
    let now = 0;
    const limiter = new SlidingWindowLimiter(3, 60_000, () => now);
    for (const at of [0, 10_000, 20_000]) {
      now = at;
      expect(limiter.take("ada")).toEqual({ allowed: true });
    }
    now = 30_000;
    expect(limiter.take("ada")).toEqual({ allowed: false, retryAfterSeconds: 30 });
    expect(limiter.take("grace")).toEqual({ allowed: true });
    // The oldest action leaves the window at 60 s: one more is allowed, then not.
    now = 60_000;
    expect(limiter.take("ada")).toEqual({ allowed: true });
    expect(limiter.take("ada")).toEqual({ allowed: false, retryAfterSeconds: 10 });
  });

  it("does not count refused attempts", () => {
    let now = 0;
    const limiter = new SlidingWindowLimiter(1, 1000, () => now);
    expect(limiter.take("k").allowed).toBe(true);
    // Refused half-way through the window: counted, they would hold the key until 1.5 s.
    now = 500;
    for (let i = 0; i < 5; i++) expect(limiter.take("k").allowed).toBe(false);
    now = 1000;
    expect(limiter.take("k").allowed).toBe(true);
  });
});
