/**
 * Failure reasons without row content. Ingest errors quote what they saw — a headerless file's
 * first row taken for headers, a line excerpt, a column value — and that can be a customer's
 * name, e-mail and address. Run items, logs and the failure line keep the file, the line number
 * and the column count, never the cells.
 */

/** Longest reason stored in a run item or logged. */
export const REASON_MAX_CHARS = 300;

export function safeReason(message: string): string {
  const s = message
    // "headers seen: a, b, c; also missing …" / "headers seen: a, b. Map it …": keep the count only.
    .replace(/headers seen: (.*?)(?=; also missing|\. Map |$)/s, (_, list: string) => {
      const n = list === 'none (headerless file)' || list === '(none)' ? 0 : list.split(', ').length;
      return `headers seen: ${n ? `${n} column${n === 1 ? '' : 's'} in the first row (contents not shown)` : 'none (headerless file)'}`;
    })
    // "line 3 cannot be read (reason): <excerpt>" and "line 3 is not a JSON object: <excerpt>".
    .replace(/(line \d+ (?:cannot be read \([^)]*\)|is not a JSON object)): .*$/s, '$1')
    // Quoted cell values and column names taken from the data.
    .replace(/"[^"]*"/g, '"…"')
    .replace(/[^\s@,;:"'<>()]+@[^\s@,;:"'<>()]+\.[a-z]{2,}/gi, '<e-mail>')
    .replace(/\d[\d ()+-]{6,}\d/g, (m) => (/^\d{4}-\d{2}-\d{2}/.test(m) ? m : '<number>'));
  return capReason(s);
}

/** One line of at most REASON_MAX_CHARS (for messages that quote settings, not data). */
export function capReason(message: string): string {
  const s = message.replace(/[\r\n]+/g, ' ');
  return s.length > REASON_MAX_CHARS ? `${s.slice(0, REASON_MAX_CHARS - 1)}…` : s;
}
