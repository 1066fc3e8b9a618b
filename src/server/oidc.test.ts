import { describe, expect, it } from "vitest";
import { principalOf, roleFor } from "./oidc";
import type { RoleRules } from "./oidc";

const rules: RoleRules = {
  operatorEmails: ["Olivia@Example.com"],
  viewerEmails: ["victor@example.com"],
  groupsClaim: "groups",
  operatorGroups: ["cfc-operators"],
  viewerGroups: ["cfc-auditors"],
};

describe("roleFor", () => {
  it.each([
    [{ email: "olivia@example.com" }, "operator"],
    [{ email: "victor@example.com", email_verified: true }, "viewer"],
    [{ email: "someone@example.com", groups: ["cfc-operators"] }, "operator"],
    [{ groups: "cfc-auditors" }, "viewer"],
    // Both: the stronger role wins.
    [{ email: "victor@example.com", groups: ["cfc-operators"] }, "operator"],
    [{ email: "mallory@example.com", groups: ["staff"] }, undefined],
    // An unverified address proves nothing.
    [{ email: "olivia@example.com", email_verified: false }, undefined],
    [{ groups: [42, { name: "cfc-operators" }] }, undefined],
    [{}, undefined],
  ])("%j → %s", (claims, role) => {
    expect(roleFor(claims, rules)).toBe(role);
  });

  it("reads the groups from the configured claim", () => {
    expect(roleFor({ roles: ["cfc-auditors"] }, { ...rules, groupsClaim: "roles" })).toBe("viewer");
    expect(roleFor({ groups: ["cfc-auditors"] }, { ...rules, groupsClaim: "roles" })).toBe(
      undefined,
    );
  });
});

describe("principalOf", () => {
  it("takes the name and email from the ID token, falling back to username, email, subject", () => {
    expect(principalOf({ sub: "1", name: "Olivia", email: "o@x.io" }, "operator")).toEqual({
      name: "Olivia",
      email: "o@x.io",
      role: "operator",
    });
    expect(principalOf({ sub: "1", preferred_username: "olivia" }, "viewer").name).toBe("olivia");
    expect(principalOf({ sub: "1", email: "o@x.io" }, "viewer").name).toBe("o@x.io");
    expect(principalOf({ sub: "sub-1", name: " " }, "viewer")).toEqual({
      name: "sub-1",
      email: null,
      role: "viewer",
    });
  });
});
