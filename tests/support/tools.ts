import fs from "node:fs";
import path from "node:path";

/** True under CI (`CI` set to anything but "", "0" or "false"), as GitHub Actions, GitLab and `.ci/run` set it. */
export const IN_CI = !["", "0", "false"].includes((process.env.CI ?? "").toLowerCase());

/** The first executable `name` on PATH, or null. */
export function findOnPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return p;
    } catch {
      // not here
    }
  }
  return null;
}

export interface ExternalTool {
  /** Absolute path to run (PATH lookup; falls back to /usr/bin/NAME so a missing tool fails loudly). */
  readonly path: string;
  readonly found: boolean;
  /** For `describe.skipIf`/`it.skipIf`: true only when the tool is missing outside CI. */
  readonly skip: boolean;
  /** Throws, saying what to install, when the tool is missing (call it in the file's beforeAll). */
  require(): void;
}

/**
 * A program a test file runs (kubectl, dig). On a developer's machine a missing one skips the tests
 * that need it, with the reason in the title; under CI it never skips: `require()` fails the tests
 * with what to install, so a CI image without it cannot pass by skipping.
 */
export function externalTool(name: string, install: string): ExternalTool {
  const found = findOnPath(name);
  return {
    path: found ?? `/usr/bin/${name}`,
    found: found !== null,
    skip: found === null && !IN_CI,
    require() {
      if (found === null) {
        throw new Error(
          `${name} is not on PATH${IN_CI ? " and CI requires it" : ""}: ${install} (scripts/test.sh installs the Debian packages it can when run as root)`,
        );
      }
    },
  };
}

export const kubectlTool = () =>
  externalTool(
    "kubectl",
    "install kubectl >= 1.28 (https://kubernetes.io/docs/tasks/tools/; Debian's kubernetes-client is too old)",
  );
export const digTool = () => externalTool("dig", "apt-get install dnsutils");
