import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { openBulkStore, type BulkStore } from '../../src/cli/bulkStore';
import { exportLog } from '../../src/cli/exportLog';
import { importLog, linesPerCommit, type ImportSummary } from '../../src/cli/importLog';
import type { LogLine } from '../../src/cli/jsonLines';
import { SourceChainBrokenError, type SourceChainFault } from '../../src/cli/sourceChain';
import type { RecordedEvent } from '../../src/events/eventStore';
import { verifyStoredLog } from '../../src/events/integrity/logAudit';
import { schemaRegistry } from '../../src/schemaRegistry';
import { fixedClock, temporaryFolder, testNow } from '../support/ledgerService';
import { openTemporaryStore, seedSmallCity, streamsOf, wholeLog, type TemporaryStore } from '../support/seededCity';

/**
 * `ledger import` checks the export's own hash chain as it reads it (src/cli/sourceChain.ts): a file whose chain does
 * not hold is refused at the first line that breaks it, before that line's group of lines is written. Each rule runs
 * on both of the import's paths on SQLite: groups committed by the commit worker, and groups appended through the
 * store.
 */

let source: TemporaryStore;
let sourceLog: RecordedEvent[];
let exported: string[];

const parsed = (text: string | undefined): LogLine => JSON.parse(text as string) as LogLine;

const edited = (text: string | undefined, change: (line: LogLine) => void): string => {
  const line = parsed(text);
  change(line);
  return JSON.stringify(line);
};

/** The first line at or after `from` that continues its stream on the next line: a stream's run of lines. */
const runStart = (from: number): number =>
  exported.findIndex(
    (text, index) =>
      index >= from &&
      parsed(text).revision !== '0' &&
      parsed(text).streamName === parsed(exported[index + 1]).streamName,
  );

beforeAll(async () => {
  source = await openTemporaryStore();
  await seedSmallCity(source, { residents: 120, organisations: 5 });
  sourceLog = await wholeLog(source.store);
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (chunk: Buffer) => chunks.push(chunk));
  await exportLog({ store: source.store, output });
  exported = Buffer.concat(chunks).toString('utf8').trimEnd().split('\n');
  expect(exported.length).toBeGreaterThan(linesPerCommit + 100);
});
afterAll(() => source.close());

/** A fresh SQLite store whose clock reads `now`: the seeding instant (the source's hashes again), or another. */
const withFreshStore = async (use: (target: BulkStore) => Promise<void>, now: Date = testNow): Promise<void> => {
  const folder = temporaryFolder();
  const target = await openBulkStore({ dbPath: join(folder.path, 'ledger.db'), clock: fixedClock(now) });
  try {
    await use(target);
  } finally {
    await target.close();
    folder.remove();
  }
};

const refusalOf = async (importing: Promise<ImportSummary>): Promise<SourceChainBrokenError> => {
  const error = await importing.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(SourceChainBrokenError);
  return error as SourceChainBrokenError;
};

const expectRefusal = (
  error: SourceChainBrokenError,
  lineNumber: number,
  line: LogLine,
  reason: SourceChainFault,
): void => {
  expect(error).toMatchObject({ lineNumber, stream: line.streamName, revision: BigInt(line.revision), reason });
  expect(error.message).toMatch(
    new RegExp(
      `^line ${lineNumber}: stream ${line.streamName} revision ${line.revision} breaks the file's hash chain \\(${reason}\\): `,
    ),
  );
};

describe.each([
  ['with the commit worker', true],
  ["through the store's appends", false],
])('import %s', (_path, withWorker) => {
  const importInto = async (target: BulkStore, lines: readonly string[]): Promise<ImportSummary> => {
    const commitWorker = withWorker ? target.startCommitWorker?.() : undefined;
    if (withWorker && !commitWorker) throw new Error('a SQLite file store has a commit worker');
    try {
      return await importLog({
        store: target.store,
        input: Readable.from([`${lines.join('\n')}\n`]),
        schemas: schemaRegistry(),
        inOneCommit: target.inOneCommit,
        commitWorker,
      });
    } finally {
      await commitWorker?.stop();
    }
  };

  it('refuses a file whose event data was edited (its hash left as it was), at that line, and writes nothing', () =>
    withFreshStore(async (target) => {
      const at = exported.findIndex((text) => parsed(text).type === 'EntryPosted');
      const lines = [...exported];
      lines[at] = edited(lines[at], (line) => {
        (line.data as { points: number }).points -= 50;
      });
      const error = await refusalOf(importInto(target, lines));
      expectRefusal(error, at + 1, parsed(lines[at]), 'hash-mismatch');
      expect(error.message).toMatch(/the line, or an earlier line of its stream, was edited/);
      expect(await wholeLog(target.store)).toEqual([]);
    }));

  it('refuses a file from which a line inside a stream was removed, at the next line of that stream, and writes nothing', () =>
    withFreshStore(async (target) => {
      const gone = runStart(1);
      const lines = exported.filter((_, index) => index !== gone);
      const error = await refusalOf(importInto(target, lines));
      expectRefusal(error, gone + 1, parsed(exported[gone + 1]), 'revision-out-of-sequence');
      expect(error.message).toMatch(/\(expected revision \d+\)/);
      expect(await wholeLog(target.store)).toEqual([]);
    }));

  it('refuses a file in which two lines of one stream were swapped, at the first of them, and writes nothing', () =>
    withFreshStore(async (target) => {
      const at = runStart(1);
      const lines = [...exported];
      [lines[at], lines[at + 1]] = [exported[at + 1] as string, exported[at] as string];
      const error = await refusalOf(importInto(target, lines));
      expectRefusal(error, at + 1, parsed(exported[at + 1]), 'revision-out-of-sequence');
      expect(await wholeLog(target.store)).toEqual([]);
    }));

  it("refuses a file in which lines of two streams were swapped, out of the log's order, and writes nothing", () =>
    withFreshStore(async (target) => {
      // Two neighbouring lines of different streams: the second moves before the first.
      const at = exported.findIndex(
        (text, index) => index > 0 && parsed(text).streamName !== parsed(exported[index + 1]).streamName,
      );
      const lines = [...exported];
      [lines[at], lines[at + 1]] = [exported[at + 1] as string, exported[at] as string];
      const error = await refusalOf(importInto(target, lines));
      expectRefusal(error, at + 2, parsed(exported[at]), 'position-out-of-order');
      expect(await wholeLog(target.store)).toEqual([]);
    }));

  it('refuses a line that carries no hash, whose link cannot be checked, and writes nothing', () =>
    withFreshStore(async (target) => {
      const at = runStart(1);
      const lines = [...exported];
      lines[at] = edited(lines[at], (line) => {
        delete line.hash;
      });
      const error = await refusalOf(importInto(target, lines));
      expectRefusal(error, at + 1, parsed(exported[at]), 'hash-missing');
      expect(await wholeLog(target.store)).toEqual([]);
    }));

  it('refuses a file that starts a stream mid-way onto events the target holds sealed otherwise, and writes none of it', () =>
    withFreshStore(
      async (target) => {
        const cut = runStart(1) + 1;
        await importInto(target, exported.slice(0, cut));
        const error = await refusalOf(importInto(target, exported.slice(cut)));
        expectRefusal(error, 1, parsed(exported[cut]), 'starts-mid-stream');
        expect(error.message).toMatch(/does not chain onto the event the target holds at the revision before/);
        expect(await wholeLog(target.store)).toHaveLength(cut);
      },
      new Date(testNow.getTime() + 1_000),
    ));

  it("takes a file that starts a stream mid-way onto the source's own events, as the target holds them", () =>
    withFreshStore(async (target) => {
      const cut = runStart(1) + 1;
      await importInto(target, exported.slice(0, cut));
      const rest = await importInto(target, exported.slice(cut));
      expect(rest).toMatchObject({ eventsWritten: exported.length - cut, eventsAlreadyStored: 0 });
      expect(streamsOf(await wholeLog(target.store))).toEqual(streamsOf(sourceLog));
      expect(await verifyStoredLog(target.store)).toEqual({ ok: true, eventCount: sourceLog.length });
    }));

  it('keeps, after a refusal past the first group, the groups before the refused line, which the genuine file completes', () =>
    withFreshStore(async (target) => {
      const at = exported.findIndex((text, index) => index > linesPerCommit && parsed(text).type === 'EntryPosted');
      const lines = [...exported];
      lines[at] = edited(lines[at], (line) => {
        (line.data as { points: number }).points -= 50;
      });
      const error = await refusalOf(importInto(target, lines));
      expectRefusal(error, at + 1, parsed(lines[at]), 'hash-mismatch');
      const kept = Math.floor(at / linesPerCommit) * linesPerCommit;
      expect(streamsOf(await wholeLog(target.store))).toEqual(streamsOf(sourceLog.slice(0, kept)));
      expect(await verifyStoredLog(target.store)).toEqual({ ok: true, eventCount: kept });

      const completed = await importInto(target, exported);
      expect(completed).toMatchObject({ eventsWritten: exported.length - kept, eventsAlreadyStored: kept });
      expect(streamsOf(await wholeLog(target.store))).toEqual(streamsOf(sourceLog));
      expect(await verifyStoredLog(target.store)).toEqual({ ok: true, eventCount: sourceLog.length });
    }));
});
