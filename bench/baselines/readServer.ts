import express from 'express';
import { listen } from './listen';

/**
 * The read baseline: a bare express 5 app that answers every GET with the same JSON body, BENCH_BASELINE_BODY
 * (the bench passes one of the ledger's own answers, so that both send the same bytes).
 */

const body = JSON.parse(process.env.BENCH_BASELINE_BODY as string) as unknown;

const app = express();
app.use((_req, res) => {
  res.json(body);
});

listen(app, 'read baseline');
