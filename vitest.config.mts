import { defineConfig } from "vitest/config";
import path from "node:path";
import { fileURLToPath } from "node:url";

// An ES module (.mts): Vite loads it as one, with no "ESM syntax in a file loaded as CommonJS" warning.
const __dirname = path.dirname(fileURLToPath(import.meta.url));

// Next.js telemetry off for every test that builds or starts the app (scripts/test.sh and .ci/run set it too).
process.env.NEXT_TELEMETRY_DISABLED = "1";

const alias = {
  "@": path.resolve(__dirname),
  "server-only": path.resolve(__dirname, "tests/support/server-only.ts"),
};

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: ["tests/unit/**/*.test.ts"],
          environment: "node",
          // Never vitest's 5 s default: a loaded 2-core machine runs 10x slower than an idle one.
          // Property tests (fast-check) pass their own, longer timeout.
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          environment: "node",
          // Each file starts its own simulated cluster on its own loopback range; one at a time keeps
          // the 2-core CI machine from starving the simulated pods.
          fileParallelism: false,
          // Every wait inside a test passes its own deadline (at most 60 s each); a test may wait twice.
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: "browser",
          include: ["tests/browser/**/*.test.ts"],
          environment: "node",
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
