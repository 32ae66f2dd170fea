/**
 * The Go runtime and process collectors (`go_*`, `process_*`) and node-cache's promhttp handler
 * families. There is no Go process to read, so the values are a model: plausible magnitudes taken
 * from the real dumps, counters that only grow (they derive from uptime and request totals), and a
 * resident set that grows with cached entries — about 3 KB per entry on top of ~29 MB, so one full
 * default cache (~10k entries) costs ~30 MB, as the Kubernetes docs and kubernetes/dns#438 describe.
 */
import { formatGoFloat } from "./go-float";
import { MODERN_HELP } from "./go-collector-help";
import type { VersionTraits } from "./versions";

/** What the model needs to know about the simulated process at scrape time. */
export interface RuntimeLoad {
  readonly now: Date;
  /** Requests served since start (monotonic). */
  readonly requests: number;
  /** Entries held in all caches right now. */
  readonly cacheEntries: number;
  /** Distinct listen addresses (`server` label values) and upstreams, for goroutine and fd counts. */
  readonly servers: number;
  readonly upstreams: number;
}

const BYTES_PER_CACHE_ENTRY = 3000;
/** GOMAXPROCS of a node-local-dns pod without a CPU limit on the 2-CPU nodes the simulation stands for. */
export const GOMAXPROCS = 2;
const BASE_RSS = 29 * 1024 * 1024;
const PAGE = 4096;
const HEAP_PAGE = 8192;

const roundTo = (v: number, unit: number) => Math.round(v / unit) * unit;
/** A deterministic 0..1 "noise" per integer, so the same state always prints the same numbers. */
const noise = (n: number) => {
  const x = Math.sin(n * 12.9898 + 78.233) * 43758.5453;
  return x - Math.floor(x);
};

function line(out: string[], name: string, type: string, help: string, value: number, labels = ""): void {
  out.push(`# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${name}${labels} ${formatGoFloat(value)}\n`);
}

/** Renders the runtime families; keeps only the time of the last simulated GC between scrapes. */
export class RuntimeModel {
  private readonly startSeconds: number;
  private lastGcCount = -1;
  private lastGcSeconds: number;
  /** High-water marks that keep the malloc/free counters monotonic while the cache fills and drains. */
  private maxEntries = 0;
  private frees = 0;

  constructor(
    private readonly traits: VersionTraits,
    startTime: Date,
  ) {
    // /proc/<pid>/stat has clock ticks (1/100 s), hence two decimals: 1.79530049873e+09.
    this.startSeconds = Math.round(startTime.getTime() / 10) / 100;
    this.lastGcSeconds = this.startSeconds + 0.05;
  }

  /** `line` with the HELP text this version's client_golang prints. */
  private line(out: string[], name: string, type: string, help: string, value: number, labels = ""): void {
    line(out, name, type, this.help(help), value, labels);
  }

  private help(text: string): string {
    return this.traits.modernGoCollector ? (MODERN_HELP[text] ?? text) : text;
  }

  /** Appends the `go_*` and `process_*` families (sorted as Gather sorts them) to `out`. */
  renderGoAndProcess(load: RuntimeLoad, out: string[]): void {
    const nowSeconds = load.now.getTime() / 1000;
    const uptime = Math.max(0, nowSeconds - this.startSeconds);
    const { requests, cacheEntries } = load;

    const allocTotal = Math.round(3.4e6 + requests * 2600 + uptime * 9000);
    const liveHeap = 2.4e6 + cacheEntries * 1100;
    // The heap saw-tooths between GCs; model the garbage part as a fraction of the allocation since start.
    const garbage = (allocTotal % 1.6e6) * 0.8;
    const heapAlloc = Math.round(liveHeap + garbage);
    this.maxEntries = Math.max(this.maxEntries, cacheEntries);
    const mallocs = Math.round(30000 + requests * 45 + uptime * 120 + this.maxEntries * 12);
    const liveObjects = Math.round(26000 + cacheEntries * 12 + garbage / 90);
    // Go reports heap_objects = mallocs - frees; frees may only grow.
    this.frees = Math.max(this.frees, mallocs - liveObjects, 0);
    const frees = this.frees;
    const heapObjects = mallocs - frees;
    const gcCount = 1 + Math.floor((allocTotal - 3.4e6) / 4.5e6) + Math.floor(uptime / 120);
    if (gcCount !== this.lastGcCount) {
      if (this.lastGcCount >= 0)
        this.lastGcSeconds = Math.max(this.lastGcSeconds, nowSeconds - noise(gcCount) * 0.5);
      this.lastGcCount = gcCount;
    }
    const heapInuse = roundTo(heapAlloc * 1.25 + 1.2e6, HEAP_PAGE);
    const heapIdle = roundTo(2.7e6 + cacheEntries * 200, HEAP_PAGE);
    const heapSys = heapInuse + heapIdle;
    const heapReleased = roundTo(heapIdle * 0.5, HEAP_PAGE);
    const goroutines = 20 + 3 * load.servers + 2 * load.upstreams;
    const stack = Math.max(524288, roundTo(goroutines * 16384, 32768));
    const gcSys = Math.round(8.6e6 + heapSys * 0.05);
    const mspanInuse = Math.round(88000 + heapObjects * 0.4);
    const mspanSys = roundTo(mspanInuse * 1.1, 16320 / 4);
    const otherSys = 446308;
    const buckHash = 1449708;
    const sys = heapSys + stack + gcSys + mspanSys + 15600 + otherSys + buckHash;

    // Pause quantiles of the last few GCs, in whole nanoseconds as Go reports them.
    const pause = (k: number) => Math.round(40000 + noise(gcCount * 7 + k) * 260000) / 1e9;
    const q = [pause(1), pause(2), pause(3), pause(4), pause(5)].sort((a, b) => a - b);
    const gcSum = Math.round(gcCount * 165000 + noise(gcCount) * 1000) / 1e9;
    out.push(
      `# HELP go_gc_duration_seconds ${this.help("A summary of the pause duration of garbage collection cycles.")}\n# TYPE go_gc_duration_seconds summary\n`,
      `go_gc_duration_seconds{quantile="0"} ${formatGoFloat(q[0]!)}\n`,
      `go_gc_duration_seconds{quantile="0.25"} ${formatGoFloat(q[1]!)}\n`,
      `go_gc_duration_seconds{quantile="0.5"} ${formatGoFloat(q[2]!)}\n`,
      `go_gc_duration_seconds{quantile="0.75"} ${formatGoFloat(q[3]!)}\n`,
      `go_gc_duration_seconds{quantile="1"} ${formatGoFloat(q[4]!)}\n`,
      `go_gc_duration_seconds_sum ${formatGoFloat(gcSum)}\ngo_gc_duration_seconds_count ${formatGoFloat(gcCount)}\n`,
    );
    if (this.traits.modernGoCollector) {
      // The three runtime/metrics defaults client_golang >= 1.20 adds; node-cache sets no GOGC/GOMEMLIMIT.
      line(
        out,
        "go_gc_gogc_percent",
        "gauge",
        "Heap size target percentage configured by the user, otherwise 100. This value is set by the GOGC environment variable, and the runtime/debug.SetGCPercent function. Sourced from /gc/gogc:percent.",
        100,
      );
      line(
        out,
        "go_gc_gomemlimit_bytes",
        "gauge",
        "Go runtime memory limit configured by the user, otherwise math.MaxInt64. This value is set by the GOMEMLIMIT environment variable, and the runtime/debug.SetMemoryLimit function. Sourced from /gc/gomemlimit:bytes.",
        2 ** 63,
      );
    }
    this.line(out, "go_goroutines", "gauge", "Number of goroutines that currently exist.", goroutines);
    this.line(
      out,
      "go_info",
      "gauge",
      "Information about the Go environment.",
      1,
      `{version="${this.traits.goVersion}"}`,
    );
    this.line(
      out,
      "go_memstats_alloc_bytes",
      "gauge",
      "Number of bytes allocated and still in use.",
      heapAlloc,
    );
    this.line(
      out,
      "go_memstats_alloc_bytes_total",
      "counter",
      "Total number of bytes allocated, even if freed.",
      allocTotal,
    );
    this.line(
      out,
      "go_memstats_buck_hash_sys_bytes",
      "gauge",
      "Number of bytes used by the profiling bucket hash table.",
      buckHash,
    );
    this.line(out, "go_memstats_frees_total", "counter", "Total number of frees.", frees);
    if (this.traits.gcCpuFraction) {
      const fraction = Math.min(0.05, (gcCount * 0.0004) / Math.max(1, uptime)) + noise(gcCount) * 1e-6;
      this.line(
        out,
        "go_memstats_gc_cpu_fraction",
        "gauge",
        "The fraction of this program's available CPU time used by the GC since the program started.",
        fraction,
      );
    }
    this.line(
      out,
      "go_memstats_gc_sys_bytes",
      "gauge",
      "Number of bytes used for garbage collection system metadata.",
      gcSys,
    );
    this.line(
      out,
      "go_memstats_heap_alloc_bytes",
      "gauge",
      "Number of heap bytes allocated and still in use.",
      heapAlloc,
    );
    this.line(
      out,
      "go_memstats_heap_idle_bytes",
      "gauge",
      "Number of heap bytes waiting to be used.",
      heapIdle,
    );
    this.line(
      out,
      "go_memstats_heap_inuse_bytes",
      "gauge",
      "Number of heap bytes that are in use.",
      heapInuse,
    );
    this.line(out, "go_memstats_heap_objects", "gauge", "Number of allocated objects.", heapObjects);
    this.line(
      out,
      "go_memstats_heap_released_bytes",
      "gauge",
      "Number of heap bytes released to OS.",
      heapReleased,
    );
    this.line(
      out,
      "go_memstats_heap_sys_bytes",
      "gauge",
      "Number of heap bytes obtained from system.",
      heapSys,
    );
    this.line(
      out,
      "go_memstats_last_gc_time_seconds",
      "gauge",
      "Number of seconds since 1970 of last garbage collection.",
      this.lastGcSeconds,
    );
    if (!this.traits.modernGoCollector) {
      line(out, "go_memstats_lookups_total", "counter", "Total number of pointer lookups.", 0);
    }
    this.line(out, "go_memstats_mallocs_total", "counter", "Total number of mallocs.", mallocs);
    this.line(
      out,
      "go_memstats_mcache_inuse_bytes",
      "gauge",
      "Number of bytes in use by mcache structures.",
      2400,
    );
    this.line(
      out,
      "go_memstats_mcache_sys_bytes",
      "gauge",
      "Number of bytes used for mcache structures obtained from system.",
      15600,
    );
    this.line(
      out,
      "go_memstats_mspan_inuse_bytes",
      "gauge",
      "Number of bytes in use by mspan structures.",
      mspanInuse,
    );
    this.line(
      out,
      "go_memstats_mspan_sys_bytes",
      "gauge",
      "Number of bytes used for mspan structures obtained from system.",
      mspanSys,
    );
    this.line(
      out,
      "go_memstats_next_gc_bytes",
      "gauge",
      "Number of heap bytes when next garbage collection will take place.",
      Math.max(4194304, Math.round(liveHeap * 2)),
    );
    this.line(
      out,
      "go_memstats_other_sys_bytes",
      "gauge",
      "Number of bytes used for other system allocations.",
      otherSys,
    );
    this.line(
      out,
      "go_memstats_stack_inuse_bytes",
      "gauge",
      "Number of bytes in use by the stack allocator.",
      stack,
    );
    this.line(
      out,
      "go_memstats_stack_sys_bytes",
      "gauge",
      "Number of bytes obtained from system for stack allocator.",
      stack,
    );
    this.line(out, "go_memstats_sys_bytes", "gauge", "Number of bytes obtained from system.", sys);
    if (this.traits.modernGoCollector) {
      line(
        out,
        "go_sched_gomaxprocs_threads",
        "gauge",
        "The current runtime.GOMAXPROCS setting, or the number of operating system threads that can execute user-level Go code simultaneously. Sourced from /sched/gomaxprocs:threads.",
        GOMAXPROCS,
      );
    }
    this.line(
      out,
      "go_threads",
      "gauge",
      "Number of OS threads created.",
      7 + Math.min(5, Math.floor(Math.log2(1 + requests / 20000))),
    );

    // CPU time also comes in 1/100 s ticks.
    const cpu = Math.round((0.03 + uptime * 0.0012 + requests * 0.00004) * 100) / 100;
    const rss = roundTo(BASE_RSS + cacheEntries * BYTES_PER_CACHE_ENTRY + heapAlloc * 0.3, PAGE);
    this.line(
      out,
      "process_cpu_seconds_total",
      "counter",
      "Total user and system CPU time spent in seconds.",
      cpu,
    );
    this.line(out, "process_max_fds", "gauge", "Maximum number of open file descriptors.", 1048576);
    if (this.traits.modernGoCollector) {
      // Read from /proc/<pid>/net/netstat (the host network's, as node-cache runs in it), modelled
      // from the queries served: each one in and its answer out, plus upstream round trips.
      line(
        out,
        "process_network_receive_bytes_total",
        "counter",
        "Number of bytes received by the process over the network.",
        Math.round(4.1e5 + uptime * 900 + requests * 190),
      );
      line(
        out,
        "process_network_transmit_bytes_total",
        "counter",
        "Number of bytes sent by the process over the network.",
        Math.round(2.6e5 + uptime * 600 + requests * 170),
      );
    }
    this.line(
      out,
      "process_open_fds",
      "gauge",
      "Number of open file descriptors.",
      14 + 4 * load.servers + load.upstreams,
    );
    this.line(out, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", rss);
    this.line(
      out,
      "process_start_time_seconds",
      "gauge",
      "Start time of the process since unix epoch in seconds.",
      this.startSeconds,
    );
    this.line(
      out,
      "process_virtual_memory_bytes",
      "gauge",
      "Virtual memory size in bytes.",
      roundTo(7.6e8 + cacheEntries * 4096, PAGE),
    );
    this.line(
      out,
      "process_virtual_memory_max_bytes",
      "gauge",
      "Maximum amount of virtual memory available in bytes.",
      2 ** 64,
    );
  }

  /**
   * node-cache's promhttp handler families (default registry, ≥1.7.1). They count scrapes of :9353
   * only, which nothing in the simulation makes, so they stay at 0 as in the real :9253 dumps.
   */
  renderPromhttp(out: string[]): void {
    if (!this.traits.defaultRegistry) return;
    out.push(
      "# HELP promhttp_metric_handler_requests_in_flight Current number of scrapes being served.\n",
      "# TYPE promhttp_metric_handler_requests_in_flight gauge\npromhttp_metric_handler_requests_in_flight 0\n",
      "# HELP promhttp_metric_handler_requests_total Total number of scrapes by HTTP status code.\n",
      "# TYPE promhttp_metric_handler_requests_total counter\n",
      'promhttp_metric_handler_requests_total{code="200"} 0\n',
      'promhttp_metric_handler_requests_total{code="500"} 0\n',
      'promhttp_metric_handler_requests_total{code="503"} 0\n',
    );
  }
}
