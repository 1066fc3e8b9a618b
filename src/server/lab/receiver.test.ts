import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConsoleDatabase } from "../db/database";
import { openTestDatabase, storeOf } from "../../testing/test-databases";
import { createLabStore, tokenHash } from "./lab-store";
import { labReceiverRoutes } from "./receiver";

/** The lab's notification receiver, hardened (issue 19: body limit, strangers, no detail). */
let database: ConsoleDatabase;
let labStore: ReturnType<typeof createLabStore>;
let receiver: ReturnType<typeof labReceiverRoutes>;
beforeAll(async () => {
  database = await openTestDatabase("sqlite");
  labStore = createLabStore(storeOf(database));
  receiver = labReceiverRoutes(labStore);
});
afterAll(() => database.close());

const notify = (authorization: string | undefined, body: string) =>
  receiver.request("/", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(authorization && { authorization }),
    },
    body,
  });

describe("the QA lab's notification receiver", () => {
  it("answers strangers a bare 401, with nothing about what it expected", async () => {
    for (const authorization of [undefined, "Basic eDp5", "Bearer not-awaited-token"]) {
      const answer = await notify(authorization, '{"auth_req_id":"x"}');
      expect(answer.status, authorization).toBe(401);
      expect(await answer.text()).toBe("");
      expect(answer.headers.get("www-authenticate")).toBe("Bearer");
    }
  });

  it("takes an awaited notification once, and no body over 8 KiB", async () => {
    await labStore.expectNotification(tokenHash("awaited-token-1"));
    const big = JSON.stringify({ auth_req_id: "x", pad: "y".repeat(9 * 1024) });
    expect((await notify("Bearer awaited-token-1", big)).status).toBe(413);
    expect((await notify("Bearer awaited-token-1", '{"auth_req_id":"a"}')).status).toBe(204);
    const again = await notify("Bearer awaited-token-1", '{"auth_req_id":"a"}');
    expect(again.status).toBe(401);
  });
});
