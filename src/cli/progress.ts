import type { Writable } from 'node:stream';
import { Presets, SingleBar } from 'cli-progress';

/**
 * Progress bars for the long operator commands, drawn only on a terminal: output piped or redirected (a log
 * file, a test) gets the summary line alone, with no control characters in it.
 */

export type TerminalStream = Writable & { isTTY?: boolean };

export interface ProgressBar {
  update(value: number, payload?: Record<string, string>): void;
  stop(): void;
}

const silent: ProgressBar = { update: () => undefined, stop: () => undefined };

/** `format` uses cli-progress tokens ({bar}, {percentage}, {value}, {total}, {eta_formatted}) and the payload's. */
export const progressBar = (
  stream: TerminalStream,
  format: string,
  total: number,
  payload: Record<string, string> = {},
): ProgressBar => {
  if (!stream.isTTY) return silent;
  const bar = new SingleBar({ stream, format, hideCursor: true }, Presets.shades_classic);
  bar.start(total, 0, payload);
  return { update: (value, changed) => bar.update(value, changed ?? {}), stop: () => bar.stop() };
};

export const count = (value: number): string => value.toLocaleString('en-US');

/** "12.3 s, 45,678 events/s": how long it took, and how many events (written or found stored) a second. */
export const elapsed = (events: number, startedAtMs: number, nowMs: number): string => {
  const seconds = Math.max(nowMs - startedAtMs, 1) / 1000;
  return `${seconds.toFixed(1)} s, ${count(Math.round(events / seconds))} events/s`;
};
