import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

type Size = { raw: number; gzip: number };

function sizeOf(dir: string, files: string[]): Size {
  return files.reduce(
    (sum, file) => {
      const bytes = readFileSync(join(dir, file));
      return { raw: sum.raw + bytes.length, gzip: sum.gzip + gzipSync(bytes).length };
    },
    { raw: 0, gzip: 0 },
  );
}

/**
 * What a first visit downloads before the page can run: the scripts and styles index.html
 * names (the entry and its modulepreloads), raw and gzipped. The bench and the budget check
 * (scripts/check-js-budget.ts) both measure with this.
 */
export function initialAssets(dir: string) {
  const html = readFileSync(join(dir, "index.html"), "utf8");
  const refs = [...html.matchAll(/(?:src|href)="\/?([^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
  return {
    js: sizeOf(
      dir,
      refs.filter((ref) => ref.endsWith(".js")),
    ),
    css: sizeOf(
      dir,
      refs.filter((ref) => ref.endsWith(".css")),
    ),
  };
}

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
}

/**
 * Every script the page needs before `module` can run (the entry's static imports, and the
 * module's chunk with its static imports), from Vite's manifest: the fail form's own weight
 * beside the initial JS, fetched in parallel with the session question.
 */
export function scriptsUntil(dir: string, module: string): Size {
  const manifest = JSON.parse(readFileSync(join(dir, ".vite/manifest.json"), "utf8")) as Record<
    string,
    ManifestChunk
  >;
  const files = new Set<string>();
  const add = (key: string) => {
    const chunk = manifest[key];
    if (!chunk || files.has(chunk.file)) return;
    files.add(chunk.file);
    for (const imported of chunk.imports ?? []) add(imported);
  };
  for (const [key, chunk] of Object.entries(manifest)) if (chunk.isEntry) add(key);
  add(module);
  return sizeOf(dir, [...files]);
}
