"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { fetchJson } from "@/lib/client/fetch-json";

interface ConfigLogView {
  blocks: { keys: string[]; log: boolean }[] | null;
}

/**
 * Query lines exist only where the Corefile has a `log` directive. Say so when no server block has it,
 * and link to turning it on — rather than showing an empty table that looks broken.
 */
export function LogDirectiveBanner() {
  const { data } = useQuery({
    queryKey: ["config", "log-directive"],
    queryFn: () => fetchJson<ConfigLogView>("/api/config"),
    refetchInterval: 10_000,
  });
  if (!data?.blocks) return null;
  const on = data.blocks.filter((b) => b.log);
  if (on.length === data.blocks.length) return null;
  if (on.length === 0) {
    return (
      <div className="banner banner-warn" role="status" data-log-directive="off">
        <strong>Query logging is off:</strong> no server block of the node-local-dns Corefile has the{" "}
        <code>log</code> directive, so only errors and lifecycle lines appear here.{" "}
        <Link href="/config">Turn it on in Config</Link> — for a limited time, since it is loud.
      </div>
    );
  }
  return (
    <div className="banner banner-warn" role="status" data-log-directive="partial">
      Query logging is on only for {on.map((b) => b.keys.join(" ")).join(", ")}; queries answered by the other
      blocks are not logged. <Link href="/config">Change it in Config</Link>.
    </div>
  );
}
