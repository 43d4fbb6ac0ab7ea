/**
 * rejects.csv pieces of a fan-out run in temporary files, capped by the single run's rule
 * (io/csv.ts openRejectWriter): lines are buffered in blocks of about 64 KB, and a line is kept
 * while the bytes already written plus the buffered block stay under the cap, else only counted.
 * The shards write their row rejects this way, and the score step copies the shards' files line by
 * line into the run's one rejects.csv through the same rule, so the run's file stops at the cap
 * whatever the number of shards, as the single run's does, and both hold the same lines.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { Reject } from '../../core/types.ts';
import { csvLine, rejectRow } from '../../io/csv.ts';

export interface CappedLines {
  readonly path: string;
  /** Lines not written because the cap was reached. */
  readonly dropped: number;
  /** Append one CSV line (with its line end). */
  line(text: string): void;
  write(r: Reject): void;
  /** Append every line of a CSV body (as a stream of bytes), each under the cap rule. */
  appendStream(body: Readable): Promise<void>;
  close(): void;
}

const BLOCK = 1 << 16;

/** Lines appended to `path` until `maxBytes`; `head` (a header) is written, and counted, at the first flush, as the single run's writer does. */
export function cappedLines(path: string, maxBytes: number, head = ''): CappedLines {
  const fd = openSync(path, 'w');
  let block = '', bytes = 0, dropped = 0, opened = false, closed = false;
  const flush = () => {
    if (!opened) { opened = true; if (head) bytes += writeSync(fd, head); }
    if (block) bytes += writeSync(fd, block);
    block = '';
  };
  const line = (text: string) => {
    if (bytes + block.length >= maxBytes) { dropped++; return; }
    block += text;
    if (block.length >= BLOCK) flush();
  };
  return {
    path,
    get dropped() { return dropped; },
    line,
    write: (r) => line(csvLine(rejectRow(r))),
    async appendStream(body) {
      // A line ends at a newline outside quotes (csvLine doubles quotes inside a quoted cell).
      const decoder = new StringDecoder('utf8');
      let rest = '', quoted = false;
      const feed = (s: string) => {
        let start = 0;
        for (let i = 0; i < s.length; i++) {
          const c = s.charCodeAt(i);
          if (c === 34) quoted = !quoted;
          else if (c === 10 && !quoted) {
            line(rest + s.slice(start, i + 1));
            rest = '';
            start = i + 1;
          }
        }
        rest += s.slice(start);
      };
      for await (const chunk of body) feed(decoder.write(chunk as Buffer));
      feed(decoder.end());
      if (rest) line(rest);
    },
    close() {
      if (closed) return;
      closed = true;
      flush();
      closeSync(fd);
    },
  };
}
