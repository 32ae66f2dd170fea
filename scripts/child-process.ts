/**
 * What the scripts that run a server beside the simulated cluster (the dashboard, Prometheus,
 * VictoriaMetrics) share: waiting for its health URL, and stopping it.
 */
import type { ChildProcess } from "node:child_process";

/** Resolves once `url` answers 2xx; each try has its own 2 s deadline; throws after `timeoutMs`. */
export async function waitForOk(url: string, timeoutMs: number, what = url): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not become healthy at ${url} within ${timeoutMs} ms: ${last}`);
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
export function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const kill = setTimeout(() => child.kill("SIGKILL"), graceMs);
    kill.unref();
    child.once("exit", () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
