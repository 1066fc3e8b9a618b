import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { SERVER_AREAS } from "../scripts/server-areas.mjs";

/**
 * The measures issue 16 set, checked on every `npm test` so that a later change cannot undo
 * them unnoticed: source files stay small, route files thin, imports without cycles (type-only
 * ones included), areas out of each other's insides, and no middleware steering by path string.
 * The initial JS budget is checked after the build (scripts/check-js-budget.ts).
 */
const SRC = dirname(fileURLToPath(import.meta.url));
const MAX_SOURCE_LINES = 300;
const MAX_ROUTE_LINES = 150;

function sourceFiles(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

const isTest = (path: string) => /\.test\.tsx?$/.test(path) || path.includes("/testing/");
const production = sourceFiles().filter((path) => !isTest(path));
/** Lines as `wc -l` counts them. */
const lineCount = (path: string) => readFileSync(path, "utf8").split("\n").length - 1;
const name = (path: string) => relative(SRC, path);

/** Every relative import of a file (values, types, re-exports and dynamic imports alike). */
function importsOf(path: string): string[] {
  const text = readFileSync(path, "utf8");
  const specs = [
    ...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+["'](\.[^"']+)["']/gms),
    ...text.matchAll(/import\(\s*["'](\.[^"']+)["']\s*\)/g),
  ].map((match) => match[1]!);
  return specs.flatMap((spec) => {
    const base = resolve(dirname(path), spec);
    const found = [base, `${base}.ts`, `${base}.tsx`].find((candidate) =>
      /\.tsx?$/.test(candidate) ? sourceFileSet.has(candidate) : false,
    );
    return found ? [found] : [];
  });
}
const sourceFileSet = new Set(sourceFiles());

describe("the codebase's measures", () => {
  it(`keeps every source file outside tests at ${MAX_SOURCE_LINES} lines or fewer`, () => {
    const over = production
      .filter((path) => lineCount(path) > MAX_SOURCE_LINES)
      .map((path) => `${name(path)}: ${lineCount(path)}`);
    expect(over).toEqual([]);
  });

  it(`keeps every route file at ${MAX_ROUTE_LINES} lines or fewer`, () => {
    const routeFiles = production.filter((path) => /(^|[/-])routes\.ts$/.test(path));
    expect(routeFiles.length).toBeGreaterThanOrEqual(SERVER_AREAS.length);
    const over = routeFiles
      .filter((path) => lineCount(path) > MAX_ROUTE_LINES)
      .map((path) => `${name(path)}: ${lineCount(path)}`);
    expect(over).toEqual([]);
  });

  it("has no import cycle, type-only imports included", () => {
    const graph = new Map(production.map((path) => [path, importsOf(path)]));
    const cycles: string[] = [];
    const state = new Map<string, "visiting" | "done">();
    const stack: string[] = [];
    const visit = (path: string) => {
      state.set(path, "visiting");
      stack.push(path);
      for (const next of graph.get(path) ?? []) {
        if (state.get(next) === "visiting") {
          cycles.push([...stack.slice(stack.indexOf(next)), next].map(name).join(" → "));
        } else if (!state.has(next)) visit(next);
      }
      stack.pop();
      state.set(path, "done");
    };
    for (const path of graph.keys()) if (!state.has(path)) visit(path);
    expect(cycles).toEqual([]);
  });

  it("keeps each server area out of every other area's files", () => {
    const areaOf = (path: string) => {
      const [top, area] = name(path).split("/");
      return top === "server" && SERVER_AREAS.includes(area!) ? area : undefined;
    };
    const crossings = production.flatMap((path) => {
      const from = areaOf(path);
      if (from === undefined) return [];
      return importsOf(path)
        .filter((target) => areaOf(target) !== undefined && areaOf(target) !== from)
        .map((target) => `${name(path)} → ${name(target)}`);
    });
    expect(crossings).toEqual([]);
  });

  it("lets only the composition roots reach into the areas from shared infrastructure", () => {
    // config.ts composes the areas' settings schemas into the settings.
    const roots = new Set([
      "server/app.ts",
      "server/config.ts",
      "server/console.ts",
      "server/console-auth.ts",
      "server/main.ts",
    ]);
    const infrastructure = production.filter((path) => {
      const [top, area] = name(path).split("/");
      return top === "server" && !SERVER_AREAS.includes(area!) && !roots.has(name(path));
    });
    const reaching = infrastructure.flatMap((path) =>
      importsOf(path)
        .filter((target) => SERVER_AREAS.includes(name(target).split("/")[1]!))
        .map((target) => `${name(path)} → ${name(target)}`),
    );
    expect(reaching).toEqual([]);
  });

  it("has no middleware or guard that compares the request's path to a string", () => {
    const steering = production
      .filter((path) => name(path).startsWith("server/"))
      .filter((path) =>
        /c\.req\.path\s*[!=]==|===?\s*c\.req\.path/.test(readFileSync(path, "utf8")),
      )
      .map(name);
    expect(steering).toEqual([]);
  });
});
