import { describe, expect, it } from "vitest";
import { principalOf, roleFor } from "./oidc";
import type { RoleRules } from "./oidc";

const rules: RoleRules = {
  supervisorEmails: ["sam@example.com"],
  supervisorGroups: ["cfc-supervisors"],
  operatorEmails: ["Olivia@Example.com"],
  viewerEmails: ["victor@example.com"],
  groupsClaim: "groups",
  operatorGroups: ["cfc-operators"],
  viewerGroups: ["cfc-auditors"],
};

describe("roleFor", () => {
  it.each([
    [{ email: "olivia@example.com", email_verified: true }, "operator"],
    [{ email: "victor@example.com", email_verified: true }, "viewer"],
    [{ email: "sam@example.com", email_verified: true }, "supervisor"],
    [{ email: "someone@example.com", groups: ["cfc-operators"] }, "operator"],
    [{ groups: "cfc-auditors" }, "viewer"],
    // Both: the stronger role wins (supervisor > operator > viewer).
    [{ email: "victor@example.com", email_verified: true, groups: ["cfc-operators"] }, "operator"],
    [
      { email: "olivia@example.com", email_verified: true, groups: ["cfc-supervisors"] },
      "supervisor",
    ],
    [{ email: "mallory@example.com", email_verified: true, groups: ["staff"] }, undefined],
    // Only an address the provider verified counts: false, absent or not a boolean prove nothing.
    [{ email: "olivia@example.com", email_verified: false }, undefined],
    [{ email: "olivia@example.com" }, undefined],
    [{ email: "olivia@example.com", email_verified: "true" }, undefined],
    // Groups do not depend on the address.
    [{ email: "olivia@example.com", groups: ["cfc-auditors"] }, "viewer"],
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
    const issuer = "https://idp.example";
    expect(principalOf({ sub: "1", name: "Olivia", email: "o@x.io" }, "operator", issuer)).toEqual({
      name: "Olivia",
      email: "o@x.io",
      role: "operator",
      subject: "oidc:https://idp.example 1",
    });
    expect(principalOf({ sub: "1", preferred_username: "olivia" }, "viewer", issuer).name).toBe(
      "olivia",
    );
    expect(principalOf({ sub: "1", email: "o@x.io" }, "viewer", issuer).name).toBe("o@x.io");
    expect(principalOf({ sub: "sub-1", name: " " }, "viewer", issuer)).toEqual({
      name: "sub-1",
      email: null,
      role: "viewer",
      subject: "oidc:https://idp.example sub-1",
    });
  });
});
