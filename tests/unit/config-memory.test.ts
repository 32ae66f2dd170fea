import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { describeCorefile, parseCorefile } from "@/lib/corefile";
import {
  BASE_PROCESS_BYTES,
  BYTES_PER_CACHE_ENTRY,
  estimateCacheMemory,
  estimateCorefileMemory,
} from "@/lib/config/memory";
import { formatBytes, parseMemoryBytes, parseQuantity, QuantityError } from "@/lib/config/quantity";
import { FIXTURES_DIR as FIXTURES } from "../support/fixtures";

const TEMPLATE = readFileSync(`${FIXTURES}/Corefile-nodelocaldns-configmap-template.txt`, "utf8");
const MiB = 1024 * 1024;

describe("parseQuantity / parseMemoryBytes", () => {
  it.each([
    ["200Mi", 200 * MiB],
    ["1Gi", 1024 * MiB],
    ["512M", 512_000_000],
    ["128974848", 128974848],
    ["129e6", 129_000_000],
    ["129E6", 129_000_000],
    ["1E", 1e18],
    ["123Ki", 125952],
    ["1.5Gi", 1.5 * 1024 * MiB],
    ["0.5Mi", 512 * 1024],
    [".5Mi", 512 * 1024],
    ["5.Mi", 5 * MiB],
    ["+1k", 1000],
    ["1.1M", 1_100_000],
    ["0", 0],
  ])("%s = %d bytes", (q, bytes) => {
    expect(parseMemoryBytes(q)).toBe(bytes);
  });

  it("rounds fractional bytes up, as Quantity.Value() does", () => {
    expect(parseMemoryBytes("100m")).toBe(1);
    expect(parseMemoryBytes("0.1Gi")).toBe(107374183);
    expect(parseMemoryBytes("1500m")).toBe(2);
    expect(parseMemoryBytes("1e-3")).toBe(1);
    expect(parseQuantity("100m")).toBeCloseTo(0.1);
    expect(parseQuantity("250u")).toBeCloseTo(0.00025);
    expect(parseQuantity("-2Ki")).toBe(-2048);
  });

  it.each(["200MB", "1 Gi", "1.5.0", "", "Mi", "1mi", "1KiB", "e3", "1e", "0x10", "1i"])(
    "refuses %j with an example of a good one",
    (q) => {
      expect(() => parseQuantity(q)).toThrow(QuantityError);
      expect(() => parseQuantity(q)).toThrow(/is not a Kubernetes quantity: .* e\.g\. 200Mi, 1Gi, 512M/);
    },
  );

  it("formats bytes in binary units", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(200 * MiB)).toBe("200 MiB");
    expect(formatBytes(1.5 * 1024 * MiB)).toBe("1.5 GiB");
    expect(formatBytes(260587520)).toBe("248.5 MiB");
    expect(formatBytes(1536)).toBe("1.5 KiB");
  });
});

describe("estimateCacheMemory", () => {
  const template = describeCorefile(parseCorefile(TEMPLATE));
  const full = 9984 * 2 * BYTES_PER_CACHE_ENTRY;

  it("counts success + denial effective capacity × 3,000 bytes per block, plus 20 MiB", () => {
    const e = estimateCacheMemory(template);
    expect(e.perBlock).toEqual([
      {
        block: "__PILLAR__DNS__DOMAIN__:53",
        successEntries: 9984,
        denialEntries: 9984,
        caches: 1,
        bytes: full,
      },
      { block: "in-addr.arpa:53", successEntries: 9984, denialEntries: 9984, caches: 1, bytes: full },
      { block: "ip6.arpa:53", successEntries: 9984, denialEntries: 9984, caches: 1, bytes: full },
      { block: ".:53", successEntries: 9984, denialEntries: 9984, caches: 1, bytes: full },
    ]);
    // ~240 MB of cache for the upstream manifest, the figure reported in kubernetes/dns#438.
    expect(e.totalBytes).toBe(BASE_PROCESS_BYTES + 4 * full);
    expect(e.totalBytes - BASE_PROCESS_BYTES).toBeCloseTo(240e6, -6);
  });

  it("uses the capacity CoreDNS really allocates, and nothing for blocks without cache", () => {
    const e = estimateCorefileMemory(
      "a:53 {\n    cache {\n        success 100\n        denial 5000\n    }\n}\nb:53 {\n    errors\n}\n",
    );
    expect(e.perBlock).toEqual([
      {
        block: "a:53",
        successEntries: 1024,
        denialEntries: 4864,
        caches: 1,
        bytes: (1024 + 4864) * BYTES_PER_CACHE_ENTRY,
      },
      { block: "b:53", successEntries: 0, denialEntries: 0, caches: 0, bytes: 0 },
    ]);
  });

  it("is danger for the upstream template against a 200Mi limit (kubernetes/dns#438), and says what to do", () => {
    const e = estimateCacheMemory(template, "200Mi");
    expect(e.limitBytes).toBe(200 * MiB);
    expect(e.ratio).toBeCloseTo(1.2426, 3);
    expect(e.level).toBe("danger");
    expect(e.message).toBe(
      "Full caches need about 248.5 MiB, 124% of the 200 MiB limit: node-cache will be OOM-killed when the " +
        "caches fill, taking DNS down on every node (kubernetes/dns#438). Lower the capacities or raise the " +
        "DaemonSet's memory limit before applying.",
    );
  });

  it("warns from 70% of the limit and is danger from 90%", () => {
    const total = estimateCacheMemory(template).totalBytes;
    const at = (ratio: number) => estimateCacheMemory(template, String(Math.floor(total / ratio))).level;
    expect(at(0.5)).toBe("ok");
    expect(at(0.69)).toBe("ok");
    expect(at(0.7)).toBe("warn");
    expect(at(0.89)).toBe("warn");
    expect(at(0.9)).toBe("danger");
    expect(estimateCacheMemory(template, "300Mi").message).toMatch(
      /^Full caches need about 248.5 MiB, 83% of the 300 MiB limit: close to it\..*kubernetes\/dns#438/,
    );
    expect(estimateCacheMemory(template, "1Gi")).toMatchObject({
      level: "ok",
      message: "Full caches need about 248.5 MiB, 24% of the 1 GiB limit.",
    });
  });

  it("without a limit, is ok for the template and warns past 512 MiB", () => {
    expect(estimateCacheMemory(template, null)).toMatchObject({ level: "ok", limitBytes: null, ratio: null });
    const big = estimateCorefileMemory(".:53 {\n    cache {\n        success 200000\n    }\n}\n");
    expect(big.totalBytes).toBeGreaterThan(512 * MiB);
    expect(big.level).toBe("warn");
    expect(big.message).toMatch(/no memory limit, so nothing but the node bounds it\. .*kubernetes\/dns#438/);
  });

  it("counts one cache per key of a multi-key block before CoreDNS 1.8.5, one per block after", () => {
    const text = "in-addr.arpa:53 ip6.arpa:53 {\n    cache 30\n}\n";
    const one = 9984 * 2 * BYTES_PER_CACHE_ENTRY;
    expect(estimateCorefileMemory(text).perBlock[0]).toMatchObject({ caches: 1, bytes: one });
    expect(estimateCorefileMemory(text, null, { corednsVersion: "1.10.0" }).perBlock[0]?.caches).toBe(1);
    expect(estimateCorefileMemory(text, null, { corednsVersion: "1.8.5" }).perBlock[0]?.caches).toBe(1);
    expect(estimateCorefileMemory(text, null, { corednsVersion: "1.8.4" }).perBlock[0]?.caches).toBe(2);
    expect(estimateCorefileMemory(text, null, { corednsVersion: "1.7.0" }).perBlock[0]).toMatchObject({
      caches: 2,
      bytes: 2 * one,
    });
  });

  it("treats a zero limit as always exceeded, and refuses a bad one", () => {
    expect(estimateCacheMemory(template, "0").level).toBe("danger");
    expect(() => estimateCacheMemory(template, "200MB")).toThrow(QuantityError);
  });
});
