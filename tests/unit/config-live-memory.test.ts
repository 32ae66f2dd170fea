import { describe, expect, it } from "vitest";
import { liveMemoryEstimate } from "@/components/config/live-memory";
import { estimateCorefileMemory } from "@/lib/config/memory";
import { applyEdits } from "@/lib/config/propose";

const corefile = `cluster.local:53 {
    errors
    cache {
            success 9984 30
            denial 9984 5
    }
    forward . 10.96.0.11 {
            force_tcp
    }
}
.:53 {
    errors
    cache 30
    forward . /etc/resolv.conf
}
`;

describe("the Config page's live memory estimate", () => {
  it("is what the server estimates for the Corefile the edits make (what Preview shows)", () => {
    const edits = [
      { op: "setCache" as const, block: "cluster.local:53", tier: "success" as const, capacity: 100_000 },
    ];
    const live = liveMemoryEstimate(corefile, { edits }, "200Mi");
    expect(live).toEqual(estimateCorefileMemory(applyEdits(corefile, edits).text, "200Mi"));
    const before = estimateCorefileMemory(corefile, "200Mi");
    expect(live!.totalBytes).toBeGreaterThan(before.totalBytes);
    expect(live!.level).toBe("danger");
  });

  it("follows raw text, and is null while it does not parse", () => {
    expect(liveMemoryEstimate(corefile, { corefile }, null)).toEqual(estimateCorefileMemory(corefile, null));
    expect(liveMemoryEstimate(corefile, { corefile: "cluster.local:53 {\n  cache {\n" }, null)).toBeNull();
  });
});
