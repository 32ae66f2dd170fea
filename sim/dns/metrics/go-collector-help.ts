/**
 * HELP texts client_golang >= 1.20 rewrote to name their runtime/metrics source (prometheus/go_collector.go,
 * v1.19.1 -> v1.23.0): old text -> new text.
 */
export const MODERN_HELP: Readonly<Record<string, string>> = {
  "Number of bytes allocated and still in use.":
    "Number of bytes allocated in heap and currently in use. Equals to /memory/classes/heap/objects:bytes.",
  "Total number of bytes allocated, even if freed.":
    "Total number of bytes allocated in heap until now, even if released already. Equals to /gc/heap/allocs:bytes.",
  "Number of bytes used by the profiling bucket hash table.":
    "Number of bytes used by the profiling bucket hash table. Equals to /memory/classes/profiling/buckets:bytes.",
  "Total number of frees.":
    "Total number of heap objects frees. Equals to /gc/heap/frees:objects + /gc/heap/tiny/allocs:objects.",
  "Number of bytes used for garbage collection system metadata.":
    "Number of bytes used for garbage collection system metadata. Equals to /memory/classes/metadata/other:bytes.",
  "Number of heap bytes allocated and still in use.":
    "Number of heap bytes allocated and currently in use, same as go_memstats_alloc_bytes. Equals to /memory/classes/heap/objects:bytes.",
  "Number of heap bytes waiting to be used.":
    "Number of heap bytes waiting to be used. Equals to /memory/classes/heap/released:bytes + /memory/classes/heap/free:bytes.",
  "Number of heap bytes that are in use.":
    "Number of heap bytes that are in use. Equals to /memory/classes/heap/objects:bytes + /memory/classes/heap/unused:bytes",
  "Number of allocated objects.":
    "Number of currently allocated objects. Equals to /gc/heap/objects:objects.",
  "Number of heap bytes released to OS.":
    "Number of heap bytes released to OS. Equals to /memory/classes/heap/released:bytes.",
  "Number of heap bytes obtained from system.":
    "Number of heap bytes obtained from system. Equals to /memory/classes/heap/objects:bytes + /memory/classes/heap/unused:bytes + /memory/classes/heap/released:bytes + /memory/classes/heap/free:bytes.",
  "Total number of mallocs.":
    "Total number of heap objects allocated, both live and gc-ed. Semantically a counter version for go_memstats_heap_objects gauge. Equals to /gc/heap/allocs:objects + /gc/heap/tiny/allocs:objects.",
  "Number of bytes in use by mcache structures.":
    "Number of bytes in use by mcache structures. Equals to /memory/classes/metadata/mcache/inuse:bytes.",
  "Number of bytes used for mcache structures obtained from system.":
    "Number of bytes used for mcache structures obtained from system. Equals to /memory/classes/metadata/mcache/inuse:bytes + /memory/classes/metadata/mcache/free:bytes.",
  "Number of bytes in use by mspan structures.":
    "Number of bytes in use by mspan structures. Equals to /memory/classes/metadata/mspan/inuse:bytes.",
  "Number of bytes used for mspan structures obtained from system.":
    "Number of bytes used for mspan structures obtained from system. Equals to /memory/classes/metadata/mspan/inuse:bytes + /memory/classes/metadata/mspan/free:bytes.",
  "Number of heap bytes when next garbage collection will take place.":
    "Number of heap bytes when next garbage collection will take place. Equals to /gc/heap/goal:bytes.",
  "Number of bytes used for other system allocations.":
    "Number of bytes used for other system allocations. Equals to /memory/classes/other:bytes.",
  "Number of bytes in use by the stack allocator.":
    "Number of bytes obtained from system for stack allocator in non-CGO environments. Equals to /memory/classes/heap/stacks:bytes.",
  "Number of bytes obtained from system for stack allocator.":
    "Number of bytes obtained from system for stack allocator. Equals to /memory/classes/heap/stacks:bytes + /memory/classes/os-stacks:bytes.",
  "Number of bytes obtained from system.":
    "Number of bytes obtained from system. Equals to /memory/classes/total:byte.",
  "A summary of the pause duration of garbage collection cycles.":
    "A summary of the wall-time pause (stop-the-world) duration in garbage collection cycles.",
};
