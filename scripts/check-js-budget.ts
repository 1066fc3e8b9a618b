/**
 * npm test's check of the initial JS budget (issue 16): after the build, the scripts index.html
 * names must weigh at most INITIAL_JS_BUDGET bytes gzipped. Exits non-zero over budget. It
 * also prints what the fail form needs in all (fetched in parallel with the session question),
 * so the split is never mistaken for a saving it is not.
 */
import { initialAssets, scriptsUntil } from "./initial-assets";

export const INITIAL_JS_BUDGET = 125_000;

const { js } = initialAssets("dist/client");
const form = scriptsUntil("dist/client", "src/client/features/fail-ticket/fail-ticket-page.tsx");
const bytes = (n: number) => `${n.toLocaleString("en")} B`;
console.log(
  `Initial JS: ${bytes(js.gzip)} gzip (${bytes(js.raw)} raw), ${js.gzip <= INITIAL_JS_BUDGET ? "within" : "OVER"} the budget of ${bytes(INITIAL_JS_BUDGET)}.`,
);
console.log(`Scripts until the fail form runs: ${bytes(form.gzip)} gzip (${bytes(form.raw)} raw).`);
if (js.gzip > INITIAL_JS_BUDGET) process.exit(1);
