import { Router } from 'express';
import type { SchemeBook } from '../../ledger/schemeBook';

export const schemeRoutes = (schemes: SchemeBook, clock: () => Date): Router =>
  Router().get('/scheme', (_req, res) => {
    res.json(schemes.forReading(clock()));
  });
