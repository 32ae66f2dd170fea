import { describe, expect, it } from "vitest";
import { corefileLiveness, type ConfigScrape, type NodeConfigEvidence } from "@/lib/config/liveness";

// The hashes of the 1.22.28 fixtures: after-reload, and the failed reload's (new, refused) file.
const OLD =
  "cadea128714cbc2adabce3484b6761ece08f543c09b58950f022e12469341d58de4c09e53eb01b9f1df5c79035bdd52f7c939cb5a5e47b746ad7c097bd344188";
const NEW =
  "01c2becedbc8b60d6c9660a622003b554869cd425f9c2615463ed60f60b3c80d37d8c0329542f58e8aaf5a4e24a5b5cb34d7b2332a2b9aecb84fd2c07ffef4e5";

const WRITE = new Date("2026-03-01T12:00:00Z");
const at = (s: number) => new Date(WRITE.getTime() + s * 1000).toISOString();
const scrape = (configHash: string | null, reloadFailed: number | null): ConfigScrape => ({
  configHash,
  reloadFailed,
});
const node = (over: Partial<NodeConfigEvidence> = {}): NodeConfigEvidence => ({
  node: "node-a",
  containerStartedAt: at(-3600),
  before: scrape(OLD, 0),
  now: scrape(OLD, 0),
  ...over,
});

describe("corefileLiveness", () => {
  it("is live-restarted when the container started after the write", () => {
    expect(corefileLiveness(WRITE, node({ containerStartedAt: at(5), now: scrape(NEW, 0) }))).toEqual({
      node: "node-a",
      state: "live-restarted",
      reason: "node-cache started after the change was written, so it loaded the new Corefile",
    });
  });

  it("is live-restarted for a new pod even though the counters reset and the old pod had failures", () => {
    const v = corefileLiveness(
      WRITE,
      node({ containerStartedAt: at(40), podCreatedAt: at(30), before: scrape(OLD, 3), now: scrape(NEW, 0) }),
    );
    expect(v.state).toBe("live-restarted");
    expect(v.reason).toMatch(/pod was created after the change/);
  });

  it("is live-reloaded when the hash changed and reload_failed did not grow", () => {
    expect(corefileLiveness(WRITE, node({ now: scrape(NEW, 0) }))).toMatchObject({
      state: "live-reloaded",
      reason: "CoreDNS reloaded a changed Corefile (its configuration hash changed) without errors",
    });
    // An earlier failure that did not grow since the write is not this change's.
    expect(corefileLiveness(WRITE, node({ before: scrape(OLD, 2), now: scrape(NEW, 2) })).state).toBe(
      "live-reloaded",
    );
  });

  it("is rejected when reload_failed grew, although the hash changed too (the facts: it changes on failure)", () => {
    const v = corefileLiveness(WRITE, node({ now: scrape(NEW, 1) }));
    expect(v.state).toBe("rejected");
    expect(v.reason).toBe(
      "CoreDNS refused the new Corefile (coredns_reload_failed_total went from 0 to 1) and keeps serving the old " +
        'one: see the pod\'s log for "Restart failed", fix the Corefile or roll back',
    );
    expect(corefileLiveness(WRITE, node({ now: scrape(OLD, 1) })).state).toBe("rejected");
  });

  it("is pending while nothing changed, and suggests a restart once a reload is overdue", () => {
    const early = corefileLiveness(WRITE, node(), new Date(at(60)));
    expect(early.state).toBe("pending");
    expect(early.reason).toMatch(/^waiting for the kubelet to refresh the mounted ConfigMap/);
    const late = corefileLiveness(WRITE, node(), new Date(at(200)));
    expect(late).toMatchObject({ state: "pending" });
    expect(late.reason).toBe(
      "still the old configuration 200 s after the write; some node-cache versions never pick up edits " +
        "(kubernetes/dns#356): restart the DaemonSet to load it",
    );
  });

  it("is pending, saying why, when the evidence is missing", () => {
    expect(corefileLiveness(WRITE, node({ now: null })).reason).toMatch(
      /no metrics from this node since the change/,
    );
    expect(corefileLiveness(WRITE, node({ before: null, now: scrape(NEW, 0) })).reason).toMatch(
      /no scrape from before the change/,
    );
    expect(
      corefileLiveness(WRITE, node({ before: scrape(null, null), now: scrape(null, null) })).reason,
    ).toMatch(/no coredns_reload_version_info \(no reload plugin\?\)/);
    // A container that is not running proves nothing.
    expect(corefileLiveness(WRITE, node({ containerStartedAt: null })).state).toBe("pending");
  });

  it("does not trust a container restart inside an older pod until the hash shows the new file", () => {
    const inOldPod = { containerStartedAt: at(20), podCreatedAt: at(-3600) };
    const stale = corefileLiveness(WRITE, node({ ...inOldPod, now: scrape(OLD, 0) }));
    expect(stale.state).toBe("pending");
    expect(stale.reason).toMatch(/kubelet has not refreshed the mounted ConfigMap yet/);
    expect(corefileLiveness(WRITE, node({ ...inOldPod, now: scrape(NEW, 0) }))).toMatchObject({
      state: "live-restarted",
      reason: "node-cache restarted after the write and loaded a changed Corefile",
    });
  });

  it("a pod that is not Ready is never live, whatever its (possibly the old pod's) metrics say", () => {
    const v = corefileLiveness(
      WRITE,
      node({ podReady: false, now: scrape(NEW, 0), containerStartedAt: at(1) }),
    );
    expect(v.state).toBe("pending");
    expect(v.reason).toMatch(/not ready/);
  });

  it("a container started exactly at the write is not proof", () => {
    expect(corefileLiveness(WRITE, node({ containerStartedAt: WRITE })).state).toBe("pending");
  });

  it("judges each node on its own evidence", () => {
    const v = [
      node({ node: "a", now: scrape(NEW, 0) }),
      node({ node: "b", now: scrape(NEW, 1) }),
      node({ node: "c" }),
      node({ node: "d", containerStartedAt: at(1) }),
    ].map((n) => corefileLiveness(WRITE, n));
    expect(v.map((n) => `${n.node}:${n.state}`)).toEqual([
      "a:live-reloaded",
      "b:rejected",
      "c:pending",
      "d:live-restarted",
    ]);
  });
});
