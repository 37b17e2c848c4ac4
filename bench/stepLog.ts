/**
 * Progress of the bench: one line per step on stderr, with the time since the bench started, so that stdout
 * carries only the summary table.
 */

const startedAtMs = Date.now();

export const step = (text: string): void => {
  const seconds = ((Date.now() - startedAtMs) / 1000).toFixed(0).padStart(5);
  process.stderr.write(`[bench ${seconds} s] ${text}\n`);
};
