/** The bytes as a named input stream cut at the given offsets (cuts may fall inside a character or a CRLF). */
export function streamOf(bytes: Uint8Array, cuts: number[]) {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  return {
    name: 'gen.csv',
    stream: (async function* () {
      let prev = 0;
      for (const c of [...at, bytes.length]) { if (c > prev) yield bytes.subarray(prev, c); prev = c; }
    })(),
  };
}
