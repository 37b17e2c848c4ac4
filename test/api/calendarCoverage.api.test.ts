import pino from 'pino';
import { Writable } from 'node:stream';
import request from 'supertest';
import { calendarCoverDaysMetric } from '../../src/ledger/calendarCoverage';
import { defaultCalendarPath, loadCalendar } from '../../src/ledger/calendarLoader';
import { defaultSchemePath } from '../../src/ledger/schemeLoader';
import { openLedgerService, type LedgerService } from '../../src/service';
import { fixedClock, openTestService, signIn } from '../support/ledgerService';

const lastYear = loadCalendar(defaultCalendarPath()).years.to;
/** 35 days and 6 hours before the shipped calendar ends (24:00 in Beijing on 31 December of its last year). */
const coversUntil = new Date(`${lastYear}-12-31T16:00:00.000Z`);
const clock = () => fixedClock(new Date(coversUntil.getTime() - (35 * 24 + 6) * 3_600_000));

describe('the calendar about to end, told to the operator', () => {
  let service: LedgerService;
  beforeAll(async () => {
    service = await openTestService({ clock: clock() });
  });
  afterAll(() => service.close());

  it('shows in /healthz, with what to do', async () => {
    const answer = await request(service.app).get('/healthz');
    expect(answer.status).toBe(200);
    expect(answer.body.calendar).toMatchObject({
      calendarId: 'china',
      coversUntil: coversUntil.toISOString(),
      daysLeft: 35,
      warning: expect.stringContaining(`until ${lastYear + 1} is added`),
    });
  });

  it('shows in the metrics, to alert on', async () => {
    const { auditor } = await signIn(service);
    const answer = await request(service.app).get('/v1/metrics').set(auditor);
    expect(answer.text).toContain(`${calendarCoverDaysMetric} 35`);
  });

  it('is logged as a warning when the ledger opens', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const opened = await openLedgerService({
      dbPath: ':memory:',
      schemePath: defaultSchemePath(),
      clock: clock(),
      logger: pino({ level: 'warn' }, destination),
      onProjectionFailure: (error) => {
        throw error;
      },
    });
    await opened.close();
    const warnings = lines.map((line) => JSON.parse(line) as { level: number; msg: string });
    expect(warnings).toContainEqual(
      expect.objectContaining({ level: 40, msg: expect.stringContaining(String(lastYear + 1)) }),
    );
  });
});
