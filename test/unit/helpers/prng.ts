// Deterministic randomness for randomized tests (mulberry32, so that a failing seed reproduces) and a random line of a text.

/** Returns a generator of floats in [0, 1) for `seed`. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random line of `text`: its start offset, its end offset (before the line break) and its text. */
export function randomLine(text: string, rand: () => number): { from: number; to: number; text: string } {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const line = Math.floor(rand() * starts.length);
  const from = starts[line];
  const to = line + 1 < starts.length ? starts[line + 1] - 1 : text.length;
  return { from, to, text: text.slice(from, to) };
}
