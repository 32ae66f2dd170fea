/**
 * deploy/prometheus: the rules pass `promtool check rules` and `promtool test rules` (Debian's
 * prometheus package), every alert has a test case in which it fires, the PrometheusRule carries the
 * same groups as the plain rule file, and the overlay that switches the dashboard to its prometheus
 * source builds with the PodMonitor, the rules and the NetworkPolicy openings.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "../..");
const DIR = path.join(ROOT, "deploy/prometheus");
const PROMTOOL = "/usr/bin/promtool";
const KUBECTL = "/usr/bin/kubectl";

async function exec(bin: string, args: string[], cwd = ROOT) {
  try {
    const { stdout, stderr } = await run(bin, args, { cwd, timeout: 60_000 });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; code?: number };
    return { stdout: e.stdout ?? "", stderr: e.stderr ?? "", code: typeof e.code === "number" ? e.code : 1 };
  }
}

type Rule = { alert?: string; record?: string; expr: string };
type RuleFile = { groups: { name: string; rules: Rule[] }[] };
const ruleFile = parse(fs.readFileSync(path.join(DIR, "node-local-dns.rules.yml"), "utf8")) as RuleFile;
const alerts = ruleFile.groups.flatMap((g) => g.rules).flatMap((r) => (r.alert ? [r.alert] : []));

describe.skipIf(!fs.existsSync(PROMTOOL))("promtool on deploy/prometheus's rules", () => {
  it("promtool check rules accepts them", async () => {
    const r = await exec(PROMTOOL, ["check", "rules", "node-local-dns.rules.yml"], DIR);
    expect(r.stderr + r.stdout).toContain("SUCCESS: 17 rules found");
    expect(r.code).toBe(0);
  });

  it("promtool test rules passes: every alert fires in its case, and the recording rules' numbers", async () => {
    const r = await exec(PROMTOOL, ["test", "rules", "node-local-dns.rules.test.yml"], DIR);
    expect(r.stdout + r.stderr).toContain("SUCCESS");
    expect(r.code).toBe(0);
  });

  it("the test file has a case per alert in which it fires", () => {
    const tests = parse(fs.readFileSync(path.join(DIR, "node-local-dns.rules.test.yml"), "utf8")) as {
      tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[];
    };
    const firing = new Set(
      tests.tests.flatMap((t) =>
        (t.alert_rule_test ?? []).filter((a) => a.exp_alerts.length > 0).map((a) => a.alertname),
      ),
    );
    expect(alerts.length).toBe(8);
    for (const a of alerts) expect(firing, a).toContain(a);
  });
});

describe("the manifests", () => {
  it("the PrometheusRule carries exactly the plain rule file's groups", () => {
    const rule = parse(fs.readFileSync(path.join(DIR, "prometheusrule.yaml"), "utf8")) as {
      kind: string;
      spec: RuleFile;
    };
    expect(rule.kind).toBe("PrometheusRule");
    expect(rule.spec).toEqual(ruleFile);
  });

  it("the plain scrape config keeps node-local-dns pods' metrics port and adds node and pod labels", () => {
    // Debian's promtool is built without kubernetes_sd, so this is checked by shape.
    const cfg = parse(fs.readFileSync(path.join(DIR, "scrape-config.yml"), "utf8")) as {
      scrape_configs: {
        job_name: string;
        kubernetes_sd_configs: { role: string }[];
        relabel_configs: Record<string, unknown>[];
      }[];
    };
    const [job] = cfg.scrape_configs;
    expect(job?.job_name).toMatch(/node-local-dns/);
    expect(job?.kubernetes_sd_configs[0]?.role).toBe("pod");
    const relabel = job?.relabel_configs ?? [];
    const target = (label: string) => relabel.find((r) => r.target_label === label)?.source_labels;
    expect(target("node")).toEqual(["__meta_kubernetes_pod_node_name"]);
    expect(target("pod")).toEqual(["__meta_kubernetes_pod_name"]);
    expect(relabel.filter((r) => r.action === "keep").map((r) => r.regex)).toEqual([
      "node-local-dns",
      "metrics",
    ]);
  });

  it.skipIf(!fs.existsSync(KUBECTL))(
    "kubectl kustomize deploy/overlays/prometheus: PodMonitor, rules, dashboard in prometheus mode",
    async () => {
      const r = await exec(KUBECTL, ["kustomize", "deploy/overlays/prometheus"]);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      type Obj = {
        kind: string;
        metadata: { name: string; namespace?: string };
        spec: Record<string, unknown>;
      };
      const objects = parseAllDocuments(r.stdout).map((d) => d.toJS() as Obj);
      const one = (kind: string) => objects.find((o) => o.kind === kind)!;
      const pm = one("PodMonitor").spec as {
        selector: { matchLabels: Record<string, string> };
        podMetricsEndpoints: {
          port: string;
          relabelings: { sourceLabels: string[]; targetLabel: string }[];
        }[];
      };
      expect(pm.selector.matchLabels).toEqual({ "k8s-app": "node-local-dns" });
      expect(pm.podMetricsEndpoints[0]?.port).toBe("metrics");
      expect(pm.podMetricsEndpoints[0]?.relabelings).toContainEqual({
        sourceLabels: ["__meta_kubernetes_pod_node_name"],
        targetLabel: "node",
      });
      // The operator names the job <namespace>/<PodMonitor>: the dashboard's default selector matches it.
      expect(`${one("PodMonitor").metadata.namespace}/${one("PodMonitor").metadata.name}`).toMatch(
        /.*node-local-dns.*/,
      );
      expect(one("PrometheusRule").spec).toEqual(ruleFile);
      const container = (
        one("Deployment").spec.template as {
          spec: { containers: { env: { name: string; value?: string }[] }[] };
        }
      ).spec.containers[0]!;
      const env = new Map(container.env.map((e) => [e.name, e.value]));
      expect(env.get("DASHBOARD_METRICS_SOURCE")).toBe("prometheus");
      expect(env.get("DASHBOARD_PROMETHEUS_URL")).toMatch(/^http:\/\/.+:9090$/);
      const np = one("NetworkPolicy").spec as {
        egress: { ports?: { port: number }[] }[];
        ingress: { ports?: { port: number }[] }[];
      };
      const egressPorts = np.egress.flatMap((e) => e.ports ?? []).map((p) => p.port);
      expect(egressPorts).toEqual(expect.arrayContaining([9090, 9253, 443, 6443, 53]));
      expect(np.ingress.flatMap((i) => i.ports ?? []).map((p) => p.port)).toEqual([3000, 3000]);
    },
  );
});
