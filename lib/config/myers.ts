/**
 * Myers' O((N+M)D) shortest edit script in linear space ("An O(ND) Difference Algorithm and Its
 * Variations", 1986, §4b: find the middle snake, recurse on both sides). Linear space matters because
 * a raw Corefile edit may replace the whole text, and the quadratic-trace variant would then hold
 * D² numbers; this holds O(N+M).
 */

/** One step of an edit script over two sequences: keep a[i] (= b[j]), delete a[i], or insert b[j]. */
export type EditStep =
  { kind: "equal"; a: number; b: number } | { kind: "delete"; a: number } | { kind: "insert"; b: number };

/**
 * A shortest edit script turning `a` into `b` (elements compared with ===), in order. Within each
 * run of changes, deletions come before insertions, as diff(1) and git print them.
 */
export function shortestEditScript<T>(a: readonly T[], b: readonly T[]): EditStep[] {
  const raw: EditStep[] = [];
  diffRange(a, b, 0, a.length, 0, b.length, raw);
  return deletionsFirst(raw);
}

function diffRange<T>(
  a: readonly T[],
  b: readonly T[],
  aLo: number,
  aHi: number,
  bLo: number,
  bHi: number,
  out: EditStep[],
): void {
  // Common prefix and suffix cost nothing; trimming them also guarantees the split below progresses.
  while (aLo < aHi && bLo < bHi && a[aLo] === b[bLo]) out.push({ kind: "equal", a: aLo++, b: bLo++ });
  let suffix = 0;
  while (aHi > aLo && bHi > bLo && a[aHi - 1] === b[bHi - 1]) {
    aHi--;
    bHi--;
    suffix++;
  }
  if (aLo === aHi) {
    for (let j = bLo; j < bHi; j++) out.push({ kind: "insert", b: j });
  } else if (bLo === bHi) {
    for (let i = aLo; i < aHi; i++) out.push({ kind: "delete", a: i });
  } else {
    const [x, y] = middleSnakeSplit(a, b, aLo, aHi, bLo, bHi);
    diffRange(a, b, aLo, x, bLo, y, out);
    diffRange(a, b, x, aHi, y, bHi, out);
  }
  for (let s = 0; s < suffix; s++) out.push({ kind: "equal", a: aHi + s, b: bHi + s });
}

/**
 * A point (x, y) in absolute coordinates on a shortest path through the range, strictly inside it:
 * where the forward and backward searches meet. Called only when both ranges are non-empty and their
 * first and last elements differ, so the shortest path has at least two edits.
 */
function middleSnakeSplit<T>(
  a: readonly T[],
  b: readonly T[],
  aLo: number,
  aHi: number,
  bLo: number,
  bHi: number,
): [number, number] {
  const n = aHi - aLo;
  const m = bHi - bLo;
  const delta = n - m;
  const odd = (delta & 1) !== 0;
  const max = Math.ceil((n + m) / 2);
  const offset = max + 1;
  // vf[k]: furthest x on diagonal k (x - y = k) going forward; vb[k]: furthest x counted from the end.
  const vf = new Int32Array(2 * max + 3);
  const vb = new Int32Array(2 * max + 3);
  for (let d = 0; d <= max; d++) {
    for (let k = -d; k <= d; k += 2) {
      let x =
        k === -d || (k !== d && (vf[offset + k - 1] ?? 0) < (vf[offset + k + 1] ?? 0))
          ? (vf[offset + k + 1] ?? 0)
          : (vf[offset + k - 1] ?? 0) + 1;
      let y = x - k;
      while (x < n && y < m && a[aLo + x] === b[bLo + y]) {
        x++;
        y++;
      }
      vf[offset + k] = x;
      const kb = delta - k;
      if (odd && kb >= -(d - 1) && kb <= d - 1 && x + (vb[offset + kb] ?? 0) >= n) {
        return [aLo + x, bLo + y];
      }
    }
    for (let k = -d; k <= d; k += 2) {
      let x =
        k === -d || (k !== d && (vb[offset + k - 1] ?? 0) < (vb[offset + k + 1] ?? 0))
          ? (vb[offset + k + 1] ?? 0)
          : (vb[offset + k - 1] ?? 0) + 1;
      let y = x - k;
      while (x < n && y < m && a[aHi - 1 - x] === b[bHi - 1 - y]) {
        x++;
        y++;
      }
      vb[offset + k] = x;
      const kf = delta - k;
      if (!odd && kf >= -d && kf <= d && x + (vf[offset + kf] ?? 0) >= n) {
        return [aHi - x, bHi - y];
      }
    }
  }
  // Unreachable: the searches always meet by d = ceil((n+m)/2).
  throw new Error("myers: forward and backward searches did not meet (a bug in the diff)");
}

/** Reorders each run of changes to deletions then insertions; the script stays valid. */
function deletionsFirst(steps: EditStep[]): EditStep[] {
  const out: EditStep[] = [];
  let dels: EditStep[] = [];
  let ins: EditStep[] = [];
  const flush = () => {
    out.push(...dels, ...ins);
    dels = [];
    ins = [];
  };
  for (const s of steps) {
    if (s.kind === "equal") {
      flush();
      out.push(s);
    } else if (s.kind === "delete") dels.push(s);
    else ins.push(s);
  }
  flush();
  return out;
}
