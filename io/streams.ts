/** Byte and text streams: reading ahead without losing what was read. */

/**
 * Reads ahead until `min` units (bytes or characters) or the end, then replays them followed by
 * the rest of the stream; `done` when the stream ended within the first `min`.
 */
export async function readAhead<T extends { length: number }>(src: AsyncIterable<T>, min: number): Promise<{ head: T[]; stream: AsyncIterable<T>; done: boolean }> {
  const it = src[Symbol.asyncIterator]();
  const head: T[] = [];
  let size = 0, done = false;
  while (size < min) {
    const r = await it.next();
    if (r.done) { done = true; break; }
    head.push(r.value);
    size += r.value.length;
  }
  async function* stream(): AsyncIterable<T> {
    yield* head;
    if (done) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  }
  return { head, stream: stream(), done };
}
