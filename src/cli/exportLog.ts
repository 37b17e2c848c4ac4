import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { START, type EventStore, type Position } from '../events/eventStore';
import { toLogLine } from './jsonLines';

/**
 * Writes the whole log to `output` as JSON Lines (jsonLines.ts), in the log's order, a page at a time: memory
 * holds one page, and a slow output (a pipe, a disk) holds the reading back rather than letting lines pile up.
 * The export is the log as it stands when its last page is read: events appended meanwhile are in it if they
 * come before that page's end. The caller owns `output` (a file to close, or stdout to leave open).
 */

/** Events read and written at a time: a few hundred kilobytes of text. */
export const exportPageSize = 1_000;

export interface ExportOptions {
  store: EventStore;
  output: Writable;
  onProgress?: (eventsWritten: number) => void;
}

export interface ExportSummary {
  events: number;
  /** The position of the last event exported, or START for an empty log. */
  lastPosition: Position;
}

export const exportLog = async ({ store, output, onProgress }: ExportOptions): Promise<ExportSummary> => {
  let after = START;
  let events = 0;
  for (;;) {
    const page = await store.readAll({ after, maxCount: exportPageSize });
    const last = page.at(-1);
    if (!last) return { events, lastPosition: after };
    if (!output.write(`${page.map(toLogLine).join('\n')}\n`)) await once(output, 'drain');
    events += page.length;
    after = last.position;
    onProgress?.(events);
  }
};
