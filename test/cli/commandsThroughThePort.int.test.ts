import { generateKeyPairSync } from 'node:crypto';
import { createReadStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { openBulkStore, type BulkStore } from '../../src/cli/bulkStore';
import { exportLog } from '../../src/cli/exportLog';
import { importLog, type ImportSummary } from '../../src/cli/importLog';
import type { LogLine } from '../../src/cli/jsonLines';
import { createEsdbEventStore } from '../../src/events/adapters/esdbEventStore';
import { createInMemoryEventStore } from '../../src/events/adapters/inMemoryEventStore';
import type { EventStore, RecordedEvent } from '../../src/events/eventStore';
import { verifyCheckpoint } from '../../src/events/integrity/checkpoint';
import { issueCheckpoint, verifyStoredLog } from '../../src/events/integrity/logAudit';
import { subjectStream, type EntryPosted } from '../../src/events/ledgerEvents';
import { withEventValidation } from '../../src/events/validatingEventStore';
import { createLedger } from '../../src/ledger/ledger';
import { subjectAsOf, type ReplayView } from '../../src/ledger/replay';
import { isInEffect, scoreAt, type ScoreAt } from '../../src/ledger/score';
import { defaultSchemePath, loadScheme } from '../../src/ledger/schemeLoader';
import type { FairnessReport } from '../../src/reports/fairness';
import { runFairness, runWhatIf } from '../../src/reports/reportRuns';
import { reportSourcesOn, type ReportSources } from '../../src/reports/reportSources';
import type { WhatIfResult } from '../../src/reports/whatIf';
import { schemaRegistry } from '../../src/schemaRegistry';
import { createFakeEsdbClient } from '../contract/fakeEsdbClient';
import { sealedAgain } from '../support/exportedLines';
import { fixedClock, temporaryFolder, testNow, type TestClock } from '../support/ledgerService';
import { seedSmallCity, streamsOf, wholeLog } from '../support/seededCity';

/**
 * The operator's commands on adapters other than SQLite, through the port alone: the functions `seed`, `export`,
 * `import`, `verify`, `checkpoint`, `replay`, `whatif` and `fairness` run, on the EventStoreDB adapter (over a server
 * in memory, fakeEsdbClient) and the in-memory adapter, each store wrapped in the schema validation the bulk store
 * adds. A SQLite ledger given the same city and the same correction is the reference they must agree with.
 *
 * The city: 40 residents and 2 organisations, seeded at the test clock's instant (testNow), so that every event
 * of it is known from then on. A day later one resident's entry is reversed (the correction), so that a replay
 * between the two instants differs by view.
 */

const citySize = { residents: 40, organisations: 2 };
const schemeId = loadScheme(defaultSchemePath()).id;
const correctedAt = new Date(testNow.getTime() + 24 * 3_600_000);
/** After the city was seeded, before its correction. */
const betweenSeedAndCorrection = new Date(testNow.getTime() + 12 * 3_600_000);
/** A year before the city's day: its history was there, but the ledger learnt of it only at testNow. */
const aYearEarlier = new Date('2025-11-26T00:00:00.000Z');
const { privateKey, publicKey } = generateKeyPairSync('ed25519');

/** A ledger store as a command holds it, and the clock that stamps its events. */
interface City {
  bulk: BulkStore;
  clock: TestClock;
  /** `ledger export` of the city as seeded, before the correction: one line an event. */
  exported: string[];
  /** The entry the correction reversed. */
  corrected: { subjectId: string; entryId: string };
  /** What `ledger whatif` and `ledger fairness` read, over the store. */
  sources: ReportSources;
}

const exportLines = async (store: EventStore): Promise<string[]> => {
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (chunk: Buffer) => chunks.push(chunk));
  await exportLog({ store, output });
  return Buffer.concat(chunks).toString('utf8').trimEnd().split('\n');
};

/** The first resident's entry still posted and in effect when the correction comes: the same in every store. */
const entryToCorrect = async (
  store: EventStore,
  ledger: ReturnType<typeof createLedger>,
): Promise<{ subjectId: string; entryId: string }> => {
  for (const event of await wholeLog(store)) {
    if (event.type !== 'EntryPosted') continue;
    const { subjectId, entryId } = event.data as EntryPosted;
    const facts = await ledger.entryFacts(subjectId, entryId);
    if (subjectId.startsWith('r-') && facts?.status === 'posted' && isInEffect(facts, betweenSeedAndCorrection)) {
      return { subjectId, entryId };
    }
  }
  throw new Error('the city has no entry in effect to correct');
};

/** Seeds the city as `ledger seed` does, exports it, then reverses one entry a day later. */
const buildCity = async (bulk: BulkStore, clock: TestClock): Promise<City> => {
  await seedSmallCity(bulk, citySize);
  const exported = await exportLines(bulk.store);
  const sources = await reportSourcesOn({ store: bulk.store, close: () => bulk.close() }, schemeId);
  const ledger = createLedger({ store: bulk.store, schemes: sources.schemes, clock });
  const corrected = await entryToCorrect(bulk.store, ledger);
  clock.set(correctedAt);
  await ledger.reverseEntry(
    { ...corrected, reason: 'reconsidered', reasons: 'reconsidered on review of the evidence' },
    { idempotencyKey: 'correction-1', actorId: 'officer-gao' },
  );
  return { bulk, clock, exported, corrected, sources };
};

/** What `ledger replay` folds and scores: the subject's stream as of `at`, in the view asked for. */
const replay = async (
  { store, schemes }: Pick<ReportSources, 'store' | 'schemes'>,
  subjectId: string,
  view: ReplayView,
  at: Date,
): Promise<ScoreAt | undefined> => {
  const replayed = subjectAsOf(await store.readStream(subjectStream(subjectId)), view, at);
  return replayed && scoreAt(schemes.forReading(at), replayed.baseline, replayed.entries, at);
};

/** The city's own streams: the scheme's publication carries a fresh event id in every store. */
const cityStreams = (events: readonly RecordedEvent[]) =>
  streamsOf(events.filter((event) => !event.streamName.startsWith('scheme-')));

/** A report, or an exported line, but for the position in the log: each store assigns its own. */
const withoutPosition = <Item extends { position: string }>({ position: _, ...rest }: Item) => rest;

/** An exported line but for its position. */
const lineWithoutPosition = (text: string) => withoutPosition(JSON.parse(text) as LogLine);

/** Band A from 1000 rather than 960: residents scoring 960 to 999, graded A now, would be graded B. */
const raisedBandA = JSON.stringify({
  gradeBands: [
    { grade: 'AAA', minScore: 1050 },
    { grade: 'AA', minScore: 1030 },
    { grade: 'A', minScore: 1000 },
    { grade: 'B', minScore: 850 },
    { grade: 'C', minScore: 600 },
    { grade: 'D' },
  ],
});

const folder = temporaryFolder();
const changeFile = join(folder.path, 'raised-band-a.json');
let sqlite: City;
let sqliteLog: RecordedEvent[];
let sqliteWhatIf: WhatIfResult;
let sqliteFairness: FairnessReport;

beforeAll(async () => {
  writeFileSync(changeFile, raisedBandA);
  const clock = fixedClock();
  sqlite = await buildCity(await openBulkStore({ dbPath: join(folder.path, 'ledger.db'), clock }), clock);
  sqliteLog = await wholeLog(sqlite.bulk.store);
  sqliteWhatIf = await runWhatIf(sqlite.sources, { changeFile, at: correctedAt });
  sqliteFairness = await runFairness(sqlite.sources);
});
afterAll(async () => {
  await sqlite.sources.close();
  folder.remove();
});

type OpenAdapter = (clock: () => Date) => EventStore;

const adapters: [string, OpenAdapter][] = [
  ['EventStoreDB (on a fake server)', (clock) => createEsdbEventStore({ client: createFakeEsdbClient(), clock })],
  ['in-memory', (clock) => createInMemoryEventStore({ clock })],
];

describe.each(adapters)('the operator commands on the %s store, through the port', (adapter, openAdapter) => {
  /** A store as the bulk store opens one for EventStoreDB: validated, each append its own commit. */
  const openBulk = (clock: () => Date): BulkStore => {
    const store = withEventValidation(openAdapter(clock), schemaRegistry());
    return { store, inOneCommit: (work) => work(), close: () => store.close() };
  };

  let city: City;
  let exportFile: string;

  beforeAll(async () => {
    const clock = fixedClock();
    city = await buildCity(openBulk(clock), clock);
    exportFile = join(folder.path, `${adapter.replace(/\W+/g, '-')}.jsonl`);
    writeFileSync(exportFile, `${city.exported.join('\n')}\n`);
  });
  afterAll(() => city.sources.close());

  /** Runs `use` on a fresh store of this adapter, whose clock stands at the instant the city was seeded. */
  const withFreshStore = async (use: (target: BulkStore) => Promise<void>): Promise<void> => {
    const target = openBulk(fixedClock());
    try {
      await use(target);
    } finally {
      await target.close();
    }
  };

  const importFile = (target: BulkStore): Promise<ImportSummary> =>
    importLog({ store: target.store, input: createReadStream(exportFile), schemas: schemaRegistry() });

  const importText = (target: BulkStore, lines: readonly string[]): Promise<ImportSummary> =>
    importLog({ store: target.store, input: Readable.from([`${lines.join('\n')}\n`]), schemas: schemaRegistry() });

  describe('seed', () => {
    it('writes the city SQLite holds for the same seed, event for event', async () => {
      const log = await wholeLog(city.bulk.store);
      expect(log).toHaveLength(sqliteLog.length);
      expect(cityStreams(log)).toEqual(cityStreams(sqliteLog));
    });

    it('writes nothing when seeded again', async () => {
      const head = await city.bulk.store.headPosition();
      const again = await seedSmallCity(city.bulk, citySize);
      expect(again.eventsWritten).toBe(0);
      expect(await city.bulk.store.headPosition()).toBe(head);
    });
  });

  describe('export and import', () => {
    it('gives a fresh store the same streams, one event a line', () =>
      withFreshStore(async (target) => {
        const summary = await importFile(target);
        const lines = city.exported.length;
        expect(summary).toEqual({ lines, eventsWritten: lines, eventsAlreadyStored: 0 });
        const imported = streamsOf(await wholeLog(target.store));
        expect(imported).toEqual(
          city.exported.map((text) => {
            const { streamName, revision, id, type, data, metadata } = JSON.parse(text) as LogLine;
            return { streamName, revision: BigInt(revision), id, type, data, metadata };
          }),
        );
      }));

    it('exports again, from a store that imported at the seeding instant, the lines it imported', () =>
      withFreshStore(async (target) => {
        await importFile(target);
        // recordedAt and so the hashes are the importing store's, equal here because its clock reads the same
        // instant; positions are its own too (a real EventStoreDB server interleaves its own events in $all).
        expect((await exportLines(target.store)).map(lineWithoutPosition)).toEqual(
          city.exported.map(lineWithoutPosition),
        );
      }));

    it('writes nothing when the same file is imported again', () =>
      withFreshStore(async (target) => {
        await importFile(target);
        const head = await target.store.headPosition();
        const again = await importFile(target);
        expect(again).toMatchObject({ eventsWritten: 0, eventsAlreadyStored: city.exported.length });
        expect(await target.store.headPosition()).toBe(head);
      }));

    it('completes an import cut off part-way, from the first line, without duplicates', () =>
      withFreshStore(async (target) => {
        const lines = city.exported;
        // Cut inside a stream's run of lines, so that the rerun finds part of that run stored.
        const cut = lines.findIndex(
          (line, index) =>
            index > lines.length / 2 &&
            (JSON.parse(line) as LogLine).streamName === (JSON.parse(lines[index - 1] as string) as LogLine).streamName,
        );
        await importText(target, lines.slice(0, cut));
        const resumed = await importFile(target);
        expect(resumed).toMatchObject({ eventsWritten: lines.length - cut, eventsAlreadyStored: cut });
        const imported = await wholeLog(target.store);
        expect(new Set(imported.map((event) => event.id)).size).toBe(imported.length);
        expect((await exportLines(target.store)).map(lineWithoutPosition)).toEqual(lines.map(lineWithoutPosition));
      }));

    it('stops at a line whose revision holds another event, naming the line', () =>
      withFreshStore(async (target) => {
        await importFile(target);
        const lines = [...city.exported];
        const at = lines.findIndex((line) => (JSON.parse(line) as LogLine).type === 'EntryPosted');
        const line = JSON.parse(lines[at] as string) as LogLine;
        (line.data as { points: number }).points -= 1;
        lines[at] = JSON.stringify(line);
        // Sealed again, so that the file's own chain holds: the target's events are what differ.
        await expect(importText(target, sealedAgain(lines))).rejects.toThrow(
          new RegExp(`^line ${at + 1}: stream \\S+ holds another event at revision \\d+ \\(its data differs`),
        );
      }));

    it('stops at a line whose stream lacks the revisions before it, naming the line', () =>
      withFreshStore(async (target) => {
        const second = city.exported.find((line) => (JSON.parse(line) as LogLine).revision === '1') as string;
        await expect(importText(target, [second])).rejects.toThrow(
          /^line 1: stream \S+ does not exist yet, so revision 1 cannot follow/,
        );
        expect(await wholeLog(target.store)).toEqual([]);
      }));
  });

  describe('verify and checkpoint', () => {
    it("verifies every link of every stream's chain, counting every event", async () => {
      expect(await verifyStoredLog(city.bulk.store)).toEqual({ ok: true, eventCount: sqliteLog.length });
    });

    it('issues a signed checkpoint of the whole log, which the log verifies against', async () => {
      const checkpoint = await issueCheckpoint(city.bulk.store, privateKey, city.clock());
      expect(verifyCheckpoint(checkpoint, publicKey)).toBe(true);
      expect(checkpoint.treeSize).toBe(sqliteLog.length);
      expect(await verifyStoredLog(city.bulk.store, checkpoint)).toEqual({ ok: true, eventCount: sqliteLog.length });
    });

    it('verifies an imported store, and checkpoints every event it imported', () =>
      withFreshStore(async (target) => {
        await importFile(target);
        const checkpoint = await issueCheckpoint(target.store, privateKey, testNow);
        expect(checkpoint.treeSize).toBe(city.exported.length);
        expect(await verifyStoredLog(target.store, checkpoint)).toEqual({
          ok: true,
          eventCount: city.exported.length,
        });
      }));
  });

  describe('replay', () => {
    it('as known between the seed and the correction, counts the entry reversed since, as SQLite does', async () => {
      const { subjectId, entryId } = city.corrected;
      const known = await replay(city.sources, subjectId, 'known', betweenSeedAndCorrection);
      expect(known?.explanation.entries.map((entry) => entry.entryId)).toContain(entryId);
      expect(known).toEqual(await replay(sqlite.sources, subjectId, 'known', betweenSeedAndCorrection));
    });

    it('as corrected at the same instant, leaves the reversed entry out, as SQLite does', async () => {
      const { subjectId, entryId } = city.corrected;
      const known = await replay(city.sources, subjectId, 'known', betweenSeedAndCorrection);
      const corrected = await replay(city.sources, subjectId, 'corrected', betweenSeedAndCorrection);
      expect(corrected?.explanation.entries.map((entry) => entry.entryId)).not.toContain(entryId);
      expect(corrected?.score).not.toBe(known?.score);
      expect(corrected).toEqual(await replay(sqlite.sources, subjectId, 'corrected', betweenSeedAndCorrection));
    });

    it('a year back, knows nothing of the city yet, while the corrected view scores what was valid then', async () => {
      const { subjectId } = city.corrected;
      expect(await replay(city.sources, subjectId, 'known', aYearEarlier)).toBeUndefined();
      const corrected = await replay(city.sources, subjectId, 'corrected', aYearEarlier);
      expect(corrected).toMatchObject({ schemeVersion: 'rongcheng-2021.1' });
      expect(corrected).toEqual(await replay(sqlite.sources, subjectId, 'corrected', aYearEarlier));
    });
  });

  describe('reports', () => {
    it('what-if regrades every subject under the proposed bands as SQLite does, writing nothing', async () => {
      const head = await city.bulk.store.headPosition();
      const result = await runWhatIf(city.sources, { changeFile, at: correctedAt });
      expect(result.subjects).toBe(citySize.residents + citySize.organisations);
      expect(result.changedTotal).toBeGreaterThan(0);
      expect(result.position).toBe(head);
      expect(withoutPosition(result)).toEqual(withoutPosition(sqliteWhatIf));
      expect(await city.bulk.store.headPosition()).toBe(head);
    });

    it('fairness tallies recorders, sectors, authorities and donations as SQLite does, writing nothing', async () => {
      const head = await city.bulk.store.headPosition();
      const report = await runFairness(city.sources);
      expect(Object.keys(report.byRecorder).length).toBeGreaterThan(0);
      expect(report.position).toBe(head);
      expect(withoutPosition(report)).toEqual(withoutPosition(sqliteFairness));
      expect(await city.bulk.store.headPosition()).toBe(head);
    });

    it('refuses a store where no version of the scheme is published, and closes it', async () => {
      const store = openBulk(fixedClock()).store;
      let closed = false;
      const close = async () => {
        closed = true;
        await store.close();
      };
      await expect(reportSourcesOn({ store, close }, schemeId)).rejects.toThrow(
        `the ledger has published no version of scheme ${schemeId}: there is nothing to report on`,
      );
      expect(closed).toBe(true);
    });
  });
});
