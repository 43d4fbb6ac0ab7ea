/**
 * The reference for bench/score.bench.ts: a plain Node byte-stream line count of a file (gunzipped
 * when it ends in .gz), the least any reader of the file must do. Plain JavaScript, so no loader
 * start-up is counted. Prints the count.
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';

const file = process.argv[2];
let stream = createReadStream(file, { highWaterMark: 1 << 20 });
if (file.endsWith('.gz')) stream = stream.pipe(createGunzip());
let lines = 0;
for await (const chunk of stream) {
  for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
}
process.stdout.write(`${lines}\n`);
