// The server's areas (src/server/<area>/), one per behaviour like the page's features. An area
// imports the shared infrastructure (http/, db/, actions/, authlete/, identity/), never another
// area's files; eslint.config.js and src/architecture.test.ts both read this list.
export const SERVER_AREAS = [
  "approvals",
  "audit",
  "bulk",
  "end",
  "fail",
  "lab",
  "services",
  "session",
  "status",
  "test-tickets",
];
