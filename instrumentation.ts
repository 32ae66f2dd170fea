/** Next.js calls this once per server process: start watching the cluster and scraping right away. */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startDashboard } = await import("./lib/dashboard");
  await startDashboard().catch((err: unknown) => {
    // The pages show this too; the process stays up so the operator can read it there.
    console.error(`[dashboard] not started: ${(err as Error).message}`);
  });
}
