/** Run `worker` over `items` with at most `concurrency` in flight; resolves when all settle. */
export async function forEachLimited<T>(
  items: readonly T[],
  concurrency: number,
  worker: (item: T) => Promise<void>,
): Promise<void> {
  let index = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (index < items.length) {
      const item = items[index++] as T;
      await worker(item);
    }
  });
  await Promise.all(lanes);
}
