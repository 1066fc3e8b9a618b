// `npm start`: build what is missing or out of date, then serve the console.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const outputs = [
  "dist/server/main.js",
  "dist/client/index.html",
  "dist/first-frame/first-frame.js",
];
const sources = ["src", "index.html", "vite.config.ts", "package.json", "package-lock.json"];

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((entry) => newestMtime(join(path, entry))));
}

const builtAt = Math.min(
  ...outputs.map((output) => (existsSync(output) ? statSync(output).mtimeMs : 0)),
);
if (builtAt === 0 || Math.max(...sources.map(newestMtime)) > builtAt) {
  console.log("Building the console (first start, or the sources changed since the last build)…");
  const build = spawnSync("npm", ["run", "--silent", "build"], { stdio: "inherit" });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

await import("../dist/server/main.js");
