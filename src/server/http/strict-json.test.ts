import { describe, expect, it } from "vitest";
import { duplicateKeyIn } from "./strict-json";

describe("duplicateKeyIn", () => {
  it.each([
    ['{"a":1,"a":2}', "a"],
    ['{"a":{"b":1,"b":2}}', "b"],
    ['{"a\\u0062":1,"ab":2}', "ab"], // the same key, spelt two ways
    ['[{"a":1},{"a":1,"c":[1,{"a":2,"a":3}]}]', "a"],
  ])("finds the duplicate in %s", (text, key) => {
    expect(duplicateKeyIn(text)).toBe(key);
  });

  it.each([
    '{"a":1,"b":{"a":2}}',
    '[{"a":1},{"a":2}]',
    '{"a":"b:c","b":"\\"a\\":"}',
    '{"a":["a","a"]}',
  ])("finds none in %s", (text) => {
    expect(duplicateKeyIn(text)).toBeUndefined();
  });
});
