import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// The BFF in development (npm run dev); Vite proxies the API to it so the page has one origin.
const bff = `http://127.0.0.1:${process.env.PORT ?? "8787"}`;

export default defineConfig(({ mode }) => ({
  plugins: [react()],
  // `--mode first-frame`: the page's components for the BFF to draw the first frame with
  // (decision 023). React goes into the bundle in its production build, whatever NODE_ENV the
  // BFF runs with: the development build draws at half the speed and warns on stderr.
  ...(mode === "first-frame" && {
    ssr: { noExternal: true },
    define: { "process.env.NODE_ENV": JSON.stringify("production") },
  }),
  // Browsers the console supports preload modules natively: no polyfill in the initial JS.
  build: {
    outDir: "dist/client",
    emptyOutDir: true,
    // Built for debugging, not named in the JS: the BFF serves them only with SERVE_SOURCE_MAPS.
    sourcemap: "hidden",
    modulePreload: { polyfill: false },
    // Which chunk imports which: the budget check adds up what the fail form needs.
    manifest: true,
  },
  server: {
    port: 5173,
    strictPort: true,
    proxy: { "/api": bff, "/auth": bff, "/healthz": bff, "/readyz": bff },
  },
  test: {
    include: ["src/**/*.test.{ts,tsx}"],
    globalSetup: ["scripts/vitest-postgres.ts", "scripts/vitest-tls.ts"],
    testTimeout: 15_000,
  },
}));
