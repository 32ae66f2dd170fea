import path from "node:path";

/**
 * The shared ground truth (real CoreDNS dumps, logs, Corefiles) lives beside the repository, in
 * `../shared/fixtures/coredns` — on a developer's machine and in CI's fresh clone alike.
 * COREDNS_FIXTURES overrides it.
 */
export const FIXTURES_DIR =
  process.env.COREDNS_FIXTURES ?? path.resolve(__dirname, "../../../shared/fixtures/coredns");
export const SHARED_DIR = path.resolve(FIXTURES_DIR, "../..");
