import type { ApiServerProblem } from "@/lib/api-types";
import { formatAgo } from "@/lib/format";

/** Shown while the Kubernetes API server cannot be read: what is wrong, since when, and what still works. */
export function ApiProblemBanner({
  problem,
  apiServer,
  now,
}: {
  problem: ApiServerProblem;
  apiServer: string;
  now: number;
}) {
  return (
    <div className="banner banner-bad" role="alert">
      <strong>Cannot read the Kubernetes API server</strong> at <code>{apiServer}</code> since{" "}
      {new Date(problem.since).toLocaleTimeString()} ({formatAgo(problem.since, now)}): {problem.message}. The
      numbers below are the last known; the dashboard keeps retrying. Check that the API server is up and that
      your kubeconfig credentials are still valid.
    </div>
  );
}
