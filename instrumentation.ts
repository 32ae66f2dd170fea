/** Next.js calls this once per server process: start watching the cluster and scraping right away. */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startDashboard, stopDashboard } = await import("./lib/dashboard");
  // Kubernetes sends SIGTERM before it kills the pod: end the watches, scrapes and log streams.
  // Never held up by it for more than 5 s.
  process.once("SIGTERM", () => {
    setTimeout(() => process.exit(0), 5000).unref();
    void stopDashboard().finally(() => process.exit(0));
  });
  await startDashboard().catch((err: unknown) => {
    // The pages show this too; the process stays up so the operator can read it there.
    console.error(`[dashboard] not started: ${(err as Error).message}`);
  });
}
