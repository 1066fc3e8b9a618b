// Lint serves the architecture: type-aware promise checks, hooks rules, TanStack Query rules,
// and import boundaries between client, server, shared and e2e.
import pluginQuery from "@tanstack/eslint-plugin-query";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";
import { SERVER_AREAS } from "./scripts/server-areas.mjs";

const noImportsFrom = (...groups) => ({
  "no-restricted-imports": ["error", { patterns: groups }],
});

export default tseslint.config(
  { ignores: ["dist", "node_modules", "playwright-report", "test-results", "*.tmp.mjs"] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ["*.js", "scripts/*.mjs"] },
        tsconfigRootDir: import.meta.dirname,
      },
      globals: { ...globals.node },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
    },
  },
  { files: ["**/*.js", "**/*.mjs"], ...tseslint.configs.disableTypeChecked },
  {
    files: ["src/client/**/*.{ts,tsx}"],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // The page may know the server's types (hc<AppType>) but never import its code.
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/server/*", "!**/server/app"],
              message: "client/ must not import server/ code.",
            },
            { group: ["**/simulator/*"], message: "client/ must not import the simulator." },
            { group: ["**/e2e/*"], message: "source must not import e2e/." },
            { group: ["@authlete/*"], message: "Only the BFF talks to Authlete." },
          ],
        },
      ],
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/server/app"],
              allowTypeImports: true,
              message: "Import only the type AppType.",
            },
          ],
        },
      ],
    },
  },
  ...pluginQuery.configs["flat/recommended"],
  {
    files: ["src/shared/**/*.ts"],
    ignores: ["src/shared/**/*.test.ts"],
    rules: noImportsFrom(
      {
        group: ["**/client/*", "**/server/*", "**/simulator/*"],
        message: "shared/ imports neither side.",
      },
      { group: ["**/e2e/*"], message: "source must not import e2e/." },
    ),
  },
  {
    files: ["src/server/**/*.ts", "src/simulator/**/*.ts"],
    rules: noImportsFrom(
      { group: ["**/client/*"], message: "The server does not import the page." },
      { group: ["**/e2e/*"], message: "source must not import e2e/." },
    ),
  },
  // Each server area keeps out of every other area's files, as the page's features do; the
  // shared infrastructure (http/, db/, actions/, authlete/, identity/) is open to all.
  ...SERVER_AREAS.map((area) => ({
    files: [`src/server/${area}/**/*.ts`],
    rules: noImportsFrom(
      { group: ["**/client/*"], message: "The server does not import the page." },
      { group: ["**/e2e/*"], message: "source must not import e2e/." },
      {
        group: SERVER_AREAS.filter((other) => other !== area).map((other) => `../${other}/*`),
        message: `An area imports the shared infrastructure, not another area's files (src/server/${area}).`,
      },
    ),
  })),
  {
    // Only config.ts (and the standalone simulator) read the environment.
    files: ["src/**/*.{ts,tsx}"],
    ignores: ["src/server/config.ts", "src/simulator/main.ts"],
    rules: {
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Read settings in src/server/config.ts." },
      ],
    },
  },
  {
    files: ["**/*.test.{ts,tsx}", "e2e/**/*.ts"],
    rules: { "@typescript-eslint/no-non-null-assertion": "off" },
  },
);
