import { createHash, randomUUID } from 'node:crypto';
import express from 'express';
import { listen } from './listen';
import { insertEventSql, openBaselineDatabase } from './baselineDatabase';

/**
 * The durable-write baseline: a bare express 5 app (express.json(), no validation, no auth) where each
 * `POST /v1/subjects/:id/entries` is one SQLite transaction, flushed to disk (synchronous=FULL), inserting one
 * row into an events table like the ledger's, then answers 201. The database is BENCH_BASELINE_DB.
 */

const db = openBaselineDatabase(process.env.BENCH_BASELINE_DB as string);
const insert = db.prepare(insertEventSql);
const nextRevision = db.prepare('SELECT coalesce(max(revision) + 1, 0) FROM events WHERE stream_name = ?').pluck();
const record = db.transaction((stream: string, data: string): number | bigint => {
  const revision = nextRevision.get(stream) as number;
  const metadata = JSON.stringify({ schemaVersion: 1 });
  const hash = createHash('sha256').update(data).digest('hex');
  return insert.run(stream, revision, randomUUID(), 'EntryPosted', data, metadata, new Date().toISOString(), hash)
    .lastInsertRowid;
});

const app = express();
app.use(express.json());
app.post('/v1/subjects/:id/entries', (req, res) => {
  const position = record(`subject-${req.params.id}`, JSON.stringify(req.body));
  res.status(201).json({ entryId: randomUUID(), status: 'posted', position: String(position).padStart(20, '0') });
});

listen(app, 'write baseline', () => db.close());
