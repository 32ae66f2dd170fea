import { Suspense } from "react";
import { LogsView } from "@/components/logs/logs-view";

export default function LogsPage() {
  return (
    <>
      <h1>Query logs</h1>
      <p className="lede">
        The <code>log</code> directive&apos;s output from every node-local-dns pod, merged live. Query logging
        is loud: turn it on to debug, then off again.
      </p>
      <Suspense fallback={<p className="muted">Loading…</p>}>
        <LogsView />
      </Suspense>
    </>
  );
}
