import { describe, expect, it } from "vitest";
import {
  applyWarnings,
  nodesDownAtOnce,
  scaledIntOrPercent,
  type DaemonSetFacts,
} from "@/lib/config/warnings";

const rolling = (
  desired: number,
  maxUnavailable?: number | string,
  maxSurge?: number | string,
): DaemonSetFacts => ({
  desired,
  updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable, maxSurge } },
});

describe("scaledIntOrPercent", () => {
  it("scales percentages against the total, rounding as asked", () => {
    expect(scaledIntOrPercent("10%", 5, true)).toBe(1);
    expect(scaledIntOrPercent("10%", 5, false)).toBe(0);
    expect(scaledIntOrPercent("10%", 101, true)).toBe(11);
    expect(scaledIntOrPercent("25%", 8, true)).toBe(2);
    expect(scaledIntOrPercent("0%", 50, true)).toBe(0);
    expect(scaledIntOrPercent(3, 50, true)).toBe(3);
  });

  it("refuses strings that are not whole percentages", () => {
    expect(() => scaledIntOrPercent("10", 5, true)).toThrow(/"10" is not a whole number or a percentage/);
    expect(() => scaledIntOrPercent("10.5%", 5, true)).toThrow(RangeError);
  });
});

describe("nodesDownAtOnce", () => {
  it("rounds maxUnavailable up against desired, as the DaemonSet controller does", () => {
    expect(nodesDownAtOnce(rolling(5, "10%"))).toBe(1);
    expect(nodesDownAtOnce(rolling(100, "10%"))).toBe(10);
    expect(nodesDownAtOnce(rolling(101, "10%"))).toBe(11);
    expect(nodesDownAtOnce(rolling(3, "50%"))).toBe(2);
  });

  it("defaults to 1, falls back to 1 when both are 0, and is 0 with surge", () => {
    expect(nodesDownAtOnce({ desired: 7 })).toBe(1);
    expect(nodesDownAtOnce(rolling(7))).toBe(1);
    expect(nodesDownAtOnce(rolling(7, 0, 0))).toBe(1);
    expect(nodesDownAtOnce(rolling(7, "0%", "0%"))).toBe(1);
    expect(nodesDownAtOnce(rolling(7, 0, 1))).toBe(0);
    expect(nodesDownAtOnce(rolling(7, 0, "10%"))).toBe(0);
  });

  it("never exceeds desired, and is 0 for OnDelete or no nodes", () => {
    expect(nodesDownAtOnce(rolling(3, 10))).toBe(3);
    expect(nodesDownAtOnce(rolling(0, 1))).toBe(0);
    expect(nodesDownAtOnce({ desired: 5, updateStrategy: { type: "OnDelete" } })).toBe(0);
  });
});

describe("applyWarnings", () => {
  it("warns that addon-manager will revert a Reconcile-mode ConfigMap, and says what to do", () => {
    const w = applyWarnings(
      { labels: { "addonmanager.kubernetes.io/mode": "Reconcile" } },
      rolling(5, "10%"),
    );
    expect(w).toEqual([
      {
        code: "addon-manager-reconcile",
        message:
          "The ConfigMap is labelled addonmanager.kubernetes.io/mode: Reconcile, so the addon manager will put its " +
          "own copy back within about a minute and this edit will be reverted. Change the source manifest the " +
          "addon manager reads (or your cloud provider's setting), or set the label to EnsureExists first.",
      },
    ]);
  });

  it("says nothing for EnsureExists, no labels, and the upstream 10% on a small cluster", () => {
    expect(
      applyWarnings({ labels: { "addonmanager.kubernetes.io/mode": "EnsureExists" } }, rolling(5, "10%")),
    ).toEqual([]);
    expect(applyWarnings({}, rolling(5, "10%"))).toEqual([]);
    expect(applyWarnings({ labels: null }, rolling(100, "10%"))).toEqual([]);
  });

  it("never flags one node at a time, even on a 2-node cluster", () => {
    expect(applyWarnings({}, rolling(2, 1))).toEqual([]);
  });

  it("flags a rollout over 25% of nodes", () => {
    const [w] = applyWarnings({}, rolling(8, "50%"));
    expect(w).toEqual({
      code: "wide-rollout",
      message:
        "The restart will replace up to 4 of 8 pods at once (maxUnavailable 50%); each replacement is a DNS " +
        "blip on its node (kubernetes/dns#732). Lower the DaemonSet's rollingUpdate.maxUnavailable to 2 or less " +
        "before restarting.",
    });
    expect(applyWarnings({}, rolling(8, 2))).toEqual([]);
    expect(applyWarnings({}, rolling(8, 3))).toHaveLength(1);
  });

  it("flags more than 10 nodes at once even when under 25%", () => {
    const [w] = applyWarnings({}, rolling(200, "10%"));
    expect(w?.code).toBe("wide-rollout");
    expect(w?.message).toMatch(
      /^The restart will replace up to 20 of 200 pods at once \(maxUnavailable 10%\).*to 10 or less/,
    );
    expect(applyWarnings({}, rolling(100, "10%"))).toEqual([]);
  });

  it("does not flag the rollout when no restart is asked for, or with surge", () => {
    expect(applyWarnings({}, rolling(8, "50%"), false)).toEqual([]);
    expect(applyWarnings({}, rolling(8, 0, 2))).toEqual([]);
  });

  it("warns that OnDelete will not replace pods, with or without restart", () => {
    const ds: DaemonSetFacts = { desired: 5, updateStrategy: { type: "OnDelete" } };
    const expected = [
      {
        code: "on-delete",
        message:
          "The DaemonSet's updateStrategy is OnDelete: a restart will not replace any pod. Each node picks the " +
          "change up only by reloading it, or when its pod is deleted by hand (kubectl delete pod).",
      },
    ];
    expect(applyWarnings({}, ds)).toEqual(expected);
    expect(applyWarnings({}, ds, false)).toEqual(expected);
  });

  it("lists every warning that applies", () => {
    const w = applyWarnings(
      { labels: { "addonmanager.kubernetes.io/mode": "Reconcile" } },
      { desired: 5, updateStrategy: { type: "OnDelete" } },
    );
    expect(w.map((x) => x.code)).toEqual(["addon-manager-reconcile", "on-delete"]);
  });
});
