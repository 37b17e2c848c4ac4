import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { exportLog } from '../../src/cli/exportLog';
import { openBulkStore } from '../../src/cli/bulkStore';
import { importLog, linesPerCommit, type ImportSummary } from '../../src/cli/importLog';
import { newEventOf, type LogLine } from '../../src/cli/jsonLines';
import type { RecordedEvent } from '../../src/events/eventStore';
import { createInMemoryEventStore } from '../../src/events/adapters/inMemoryEventStore';
import type { CommitWorker } from '../../src/events/adapters/sqliteCommitWorker';
import { verifyStoredLog } from '../../src/events/integrity/logAudit';
import { withEventValidation } from '../../src/events/validatingEventStore';
import { schemaRegistry } from '../../src/schemaRegistry';
import { sealedAgain } from '../support/exportedLines';
import { fixedClock, temporaryFolder } from '../support/ledgerService';
import { openTemporaryStore, seedSmallCity, streamsOf, wholeLog, type TemporaryStore } from '../support/seededCity';

let source: TemporaryStore;
let sourceLog: RecordedEvent[];
let exportFile: string;
let exportLines: string[];

/** Imports as `ledger import` does on SQLite: a commit worker beside the store's own appends. */
const importFrom = async (target: TemporaryStore, input: Readable): Promise<ImportSummary> => {
  const commitWorker = target.startCommitWorker?.();
  try {
    return await importLog({
      store: target.store,
      input,
      schemas: schemaRegistry(),
      inOneCommit: target.inOneCommit,
      commitWorker,
    });
  } finally {
    await commitWorker?.stop();
  }
};

const importFile = (target: TemporaryStore, file: string): Promise<ImportSummary> =>
  importFrom(target, createReadStream(file));

const importText = (target: TemporaryStore, lines: readonly string[]): Promise<ImportSummary> =>
  importFrom(target, Readable.from([`${lines.join('\n')}\n`]));

/** Runs `use` on a fresh store, closed and removed afterwards. */
const withFreshStore = async (use: (target: TemporaryStore) => Promise<void>): Promise<void> => {
  const target = await openTemporaryStore();
  try {
    await use(target);
  } finally {
    await target.close();
  }
};

const edited = (text: string, change: (line: LogLine) => void): string => {
  const line = JSON.parse(text) as LogLine;
  change(line);
  return JSON.stringify(line);
};

beforeAll(async () => {
  source = await openTemporaryStore();
  await seedSmallCity(source, { residents: 200, organisations: 5 });
  sourceLog = await wholeLog(source.store);
  exportFile = join(source.folder, 'ledger.jsonl');
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (chunk: Buffer) => chunks.push(chunk));
  await exportLog({ store: source.store, output });
  writeFileSync(exportFile, Buffer.concat(chunks));
  exportLines = readFileSync(exportFile, 'utf8').trimEnd().split('\n');
});
afterAll(() => source.close());

describe('export', () => {
  it('writes one line per event, in the log order, with its revision as a decimal string', () => {
    expect(exportLines).toHaveLength(sourceLog.length);
    const first = JSON.parse(exportLines[1] as string) as LogLine;
    const event = sourceLog[1] as RecordedEvent;
    expect(first).toEqual({
      streamName: event.streamName,
      revision: event.revision.toString(),
      id: event.id,
      type: event.type,
      data: event.data,
      metadata: event.metadata,
      recordedAt: event.recordedAt.toISOString(),
      position: event.position,
      ...(event.hash ? { hash: event.hash } : {}),
    });
  });
});

describe('import', () => {
  it('gives a fresh store the same streams: ids, types, data, metadata and revisions', () =>
    withFreshStore(async (target) => {
      const summary = await importFile(target, exportFile);
      expect(summary).toEqual({ lines: sourceLog.length, eventsWritten: sourceLog.length, eventsAlreadyStored: 0 });
      expect(streamsOf(await wholeLog(target.store))).toEqual(streamsOf(sourceLog));
      expect(await verifyStoredLog(target.store)).toEqual({ ok: true, eventCount: sourceLog.length });
    }));

  it('links the groups again onto what was stored when one before them was refused, so every chain verifies', async () => {
    expect(exportLines.length).toBeGreaterThan(3 * linesPerCommit);
    const folder = temporaryFolder();
    const clock = fixedClock();
    const target = await openBulkStore({ dbPath: join(folder.path, 'ledger.db'), clock });
    const worker = target.startCommitWorker?.() as CommitWorker;
    const first = JSON.parse(exportLines[0] as string) as LogLine;
    let groupsCommittedByWorker = 0;
    // Another writer stores the first line's event, a second later, as the first group goes to the worker: the
    // worker refuses that group and the one queued after it, linked onto the heads the refused one would have left.
    // The store appends both; the groups after them are linked onto what it stored.
    const anotherWriterFirst: CommitWorker = {
      ...worker,
      commit(group) {
        if (groupsCommittedByWorker === 0) {
          clock.set(new Date(clock().getTime() + 1_000));
          void target.inOneCommit(() =>
            target.store.appendToStream(first.streamName, [newEventOf(first)], { expectedRevision: 'no_stream' }),
          );
        }
        return worker.commit(group).then((committed) => {
          groupsCommittedByWorker += committed ? 1 : 0;
          return committed;
        });
      },
    };
    try {
      const summary = await importLog({
        store: target.store,
        input: createReadStream(exportFile),
        schemas: schemaRegistry(),
        inOneCommit: target.inOneCommit,
        commitWorker: anotherWriterFirst,
      });
      expect(summary).toEqual({ lines: sourceLog.length, eventsWritten: sourceLog.length - 1, eventsAlreadyStored: 1 });
      expect(groupsCommittedByWorker).toBeGreaterThan(0);
      expect(await verifyStoredLog(target.store)).toEqual({ ok: true, eventCount: sourceLog.length });
      expect(streamsOf(await wholeLog(target.store))).toEqual(streamsOf(sourceLog));
    } finally {
      await worker.stop();
      await target.close();
      folder.remove();
    }
  });

  it('writes nothing when the same file is imported again', () =>
    withFreshStore(async (target) => {
      await importFile(target, exportFile);
      const head = await target.store.headPosition();
      const again = await importFile(target, exportFile);
      expect(again).toMatchObject({ eventsWritten: 0, eventsAlreadyStored: sourceLog.length });
      expect(await target.store.headPosition()).toBe(head);
    }));

  it('completes an import cut off part-way, from the first line, without duplicates', () =>
    withFreshStore(async (target) => {
      // Cut inside a stream's run of lines, so that the rerun finds part of that run stored.
      const cut = exportLines.findIndex(
        (line, index) =>
          index > 500 && JSON.parse(line).streamName === JSON.parse(exportLines[index - 1] as string).streamName,
      );
      await importText(target, exportLines.slice(0, cut));
      const resumed = await importFile(target, exportFile);
      expect(resumed).toMatchObject({ eventsWritten: sourceLog.length - cut, eventsAlreadyStored: cut });
      const imported = await wholeLog(target.store);
      expect(new Set(imported.map((event) => event.id)).size).toBe(imported.length);
      expect(streamsOf(imported)).toEqual(streamsOf(sourceLog));
    }));

  it('stops at a line whose revision holds another event, naming the line', () =>
    withFreshStore(async (target) => {
      await importFile(target, exportFile);
      const lines = [...exportLines];
      const at = lines.findIndex((line) => JSON.parse(line).type === 'EntryPosted');
      lines[at] = edited(lines[at] as string, (line) => {
        (line.data as { points: number }).points -= 1;
      });
      // Sealed again, so that the file's own chain holds: the target's events are what differ.
      await expect(importText(target, sealedAgain(lines))).rejects.toThrow(
        new RegExp(`^line ${at + 1}: stream \\S+ holds another event at revision \\d+ \\(its data differs`),
      );
    }));

  it('stops at a line whose stream lacks the revisions before it, naming the line', () =>
    withFreshStore(async (target) => {
      const second = exportLines.findIndex((line) => JSON.parse(line).revision === '1');
      await expect(importText(target, [exportLines[second] as string])).rejects.toThrow(
        /^line 1: stream \S+ does not exist yet, so revision 1 cannot follow/,
      );
      expect(await wholeLog(target.store)).toEqual([]);
    }));

  it('stops at a line whose event id is stored in another stream, naming the line and storing none of its group', () =>
    withFreshStore(async (target) => {
      const [first, second] = exportLines as [string, string];
      await importText(target, [first]);
      const taken = (JSON.parse(first) as LogLine).id;
      const moved = edited(first, (line) => {
        line.streamName = 'subject-moved';
        line.position = (JSON.parse(second) as LogLine).position;
      });
      const fresh = edited(second, (line) => {
        line.streamName = 'subject-fresh';
        line.revision = '0';
        line.position = (JSON.parse(first) as LogLine).position;
      });
      // Sealed again, so that the file's own chain holds: the target's events are what differ.
      await expect(importText(target, sealedAgain([fresh, moved]))).rejects.toThrow(
        `line 2: stream subject-moved gets event ${taken}, already stored elsewhere`,
      );
      expect((await wholeLog(target.store)).map((event) => event.id)).toEqual([taken]);
    }));

  it('refuses a line that is not an event of this ledger, naming the line and the field', () =>
    withFreshStore(async (target) => {
      const posted = exportLines.find((line) => JSON.parse(line).type === 'EntryPosted') as string;
      const noPoints = edited(posted, (line) => {
        (line.data as { points: unknown }).points = 'five';
      });
      await expect(importText(target, [exportLines[0] as string, noPoints])).rejects.toThrow(/^line 2: data\.points /);
      await expect(importText(target, ['{"streamName":"x"'])).rejects.toThrow(/^line 1: is not JSON/);
      const unknownType = edited(posted, (line) => {
        line.type = 'EntryInvented';
      });
      await expect(importText(target, [unknownType])).rejects.toThrow(
        /^line 1: type "EntryInvented" is not an event type/,
      );
      const extraMetadata = edited(posted, (line) => {
        (line.metadata as unknown as Record<string, unknown>).importedBy = 'someone';
      });
      await expect(importText(target, [extraMetadata])).rejects.toThrow(
        /^line 1: metadata\.importedBy is not a known field/,
      );
    }));

  it('works through the port alone, on another adapter, one append at a time', async () => {
    const memory = withEventValidation(createInMemoryEventStore(), schemaRegistry());
    const read = () => importLog({ store: memory, input: createReadStream(exportFile), schemas: schemaRegistry() });
    expect(await read()).toMatchObject({ eventsWritten: sourceLog.length });
    expect(await read()).toMatchObject({ eventsWritten: 0, eventsAlreadyStored: sourceLog.length });
    expect(streamsOf(await wholeLog(memory))).toEqual(streamsOf(sourceLog));
    await memory.close();
  });
});
