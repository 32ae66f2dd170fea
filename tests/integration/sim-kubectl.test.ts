/**
 * The machine's real kubectl against the simulated cluster, through the kubeconfig it writes:
 * get, logs -f, auth can-i per context, rollout restart + rollout status.
 */
import { execFile, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimCluster, type SimCluster } from "../../sim/cluster";
import { RESOURCES } from "../../sim/k8s/store";
import { renderAddonManifest } from "../../sim/objects/addon";
import { kubectlTool } from "../support/tools";

const kubectlBin = kubectlTool();
const KUBECTL = kubectlBin.path;
const run = promisify(execFile);

let cluster: SimCluster;

async function kubectl(
  args: string[],
  opts: { context?: string; timeoutMs?: number } = {},
): Promise<{ stdout: string; stderr: string; code: number }> {
  const full = [
    "--kubeconfig",
    cluster.kubeconfigPath,
    ...(opts.context ? ["--context", opts.context] : []),
    ...args,
  ];
  try {
    const { stdout, stderr } = await run(KUBECTL, full, {
      timeout: opts.timeoutMs ?? 30_000,
      env: { ...process.env, HOME: "/tmp/sim-kubectl-home" },
    });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; code?: number };
    return { stdout: e.stdout ?? "", stderr: e.stderr ?? "", code: typeof e.code === "number" ? e.code : 1 };
  }
}

function podNames(): string[] {
  return cluster.store
    .list(RESOURCES.pods, "kube-system", { labelSelector: "k8s-app=node-local-dns" })
    .items.filter((p) => !p.metadata.deletionTimestamp)
    .map((p) => p.metadata.name)
    .sort();
}

describe.skipIf(kubectlBin.skip)("kubectl against the simulated cluster", () => {
  beforeAll(async () => {
    kubectlBin.require();
    cluster = await startSimCluster({
      nodes: 3,
      addressBase: 84,
      apiPort: 0,
      dnsPort: 0,
      qps: 0,
      outDir: ".sim/test-sim-kubectl",
      timing: { backoffBaseMs: 200, configSyncMs: 200, containerStartMs: 300, readyTimeoutMs: 30_000 },
    });
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  it("get nodes", async () => {
    const r = await kubectl(["get", "nodes"]);
    expect(r.stderr).toBe("");
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/).slice(0, 2).join(" "))).toEqual([
      "node-1 Ready",
      "node-2 Ready",
      "node-3 Ready",
    ]);
  });

  it("get pods -n kube-system -o wide shows each pod Running on its node with the node IP", async () => {
    const r = await kubectl(["get", "pods", "-n", "kube-system", "-o", "wide"]);
    expect(r.code).toBe(0);
    const rows = r.stdout
      .trim()
      .split("\n")
      .slice(1)
      .map((l) => l.split(/\s+/));
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect(row[1]).toBe("1/1");
      expect(row[2]).toBe("Running");
      const node = row[6]!;
      const described = cluster.description.nodes.find((n) => n.name === node);
      expect(row[5]).toBe(described?.nodeIP);
    }
  });

  it("get ds,cm -n kube-system", async () => {
    const r = await kubectl(["get", "ds,cm", "-n", "kube-system"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/daemonset\.apps\/node-local-dns\s+3\s+3\s+3\s+3\s+3\s+<none>/);
    expect(r.stdout).toMatch(/configmap\/node-local-dns\s+1\s+/);
  });

  it("logs -f streams the container's output and ends when the pod is deleted", async () => {
    const pod = podNames()[0]!;
    const child = spawn(
      KUBECTL,
      ["--kubeconfig", cluster.kubeconfigPath, "logs", "-f", "-n", "kube-system", pod],
      { env: { ...process.env, HOME: "/tmp/sim-kubectl-home" } },
    );
    let out = "";
    let err = "";
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on("data", (c: Buffer) => {
          out += c.toString();
          if (out.includes("CoreDNS-1.11.3")) resolve();
        });
        void exited.then((code) =>
          reject(new Error(`kubectl logs -f exited (${code}) before the banner: ${err}`)),
        );
      });
      expect((await kubectl(["delete", "pod", "-n", "kube-system", pod])).code).toBe(0);
      expect(await exited).toBe(0);
    } finally {
      child.kill("SIGTERM");
    }
    // The container's SIGTERM lines reached the follower before the stream ended.
    expect(out).toContain("[INFO] SIGTERM: Shutting down servers then terminating");
  });

  it("auth can-i patch daemonsets: yes for admin, no for viewer", async () => {
    const admin = await kubectl(["auth", "can-i", "patch", "daemonsets", "-n", "kube-system"]);
    expect(admin.stdout.trim()).toBe("yes");
    const viewer = await kubectl(["auth", "can-i", "patch", "daemonsets", "-n", "kube-system"], {
      context: "sim-viewer",
    });
    expect(viewer.stdout.trim()).toBe("no");
    expect(viewer.code).not.toBe(0);
    const viewerGet = await kubectl(["get", "pods", "-n", "kube-system"], { context: "sim-viewer" });
    expect(viewerGet.code).toBe(0);
  });

  it("apply --server-side of the upstream node-local-dns manifest the cluster runs changes nothing but ownership", async () => {
    const file = path.join(os.tmpdir(), `sim-kubectl-nodelocaldns-${process.pid}.yaml`);
    fs.writeFileSync(file, renderAddonManifest());
    const ds = () => cluster.store.get(RESOURCES.daemonsets, "kube-system", "node-local-dns")!;
    const generation = ds().metadata.generation;
    const pods = podNames();
    try {
      const r = await kubectl(["apply", "--server-side", "-f", file]);
      expect(r.stderr).toBe("");
      expect(r.stdout.trim().split("\n")).toEqual(
        expect.arrayContaining([
          "configmap/node-local-dns serverside-applied",
          "daemonset.apps/node-local-dns serverside-applied",
        ]),
      );
    } finally {
      fs.rmSync(file, { force: true });
    }
    expect(ds().metadata.generation).toBe(generation);
    expect((ds().metadata.managedFields as { manager: string; operation: string }[])[0]).toMatchObject({
      manager: "kubectl",
      operation: "Apply",
    });
    expect(podNames()).toEqual(pods);
  });

  it("rollout restart then rollout status: every pod is replaced", async () => {
    const before = podNames();
    expect(before).toHaveLength(3);
    const restart = await kubectl(["rollout", "restart", "ds/node-local-dns", "-n", "kube-system"]);
    expect(restart.stderr).toBe("");
    expect(restart.stdout.trim()).toBe("daemonset.apps/node-local-dns restarted");
    const status = await kubectl(
      ["rollout", "status", "ds/node-local-dns", "-n", "kube-system", "--timeout=120s"],
      { timeoutMs: 130_000 },
    );
    expect(status.stderr).toBe("");
    expect(status.stdout.trim().split("\n").at(-1)).toBe(
      `daemon set "node-local-dns" successfully rolled out`,
    );
    const after = podNames();
    expect(after).toHaveLength(3);
    expect(after.filter((n) => before.includes(n))).toEqual([]);
  }, 150_000);
});
