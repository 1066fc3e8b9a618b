import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// The BFF in development (npm run dev); Vite proxies the API to it so the page has one origin.
const bff = `http://127.0.0.1:${process.env.PORT ?? "8787"}`;

export default defineConfig({
  plugins: [react()],
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
});
