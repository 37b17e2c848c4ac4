import { runLedger } from './ledgerCli';

/**
 * The callers the load generator plays, with credentials minted by the CLI on the database under test (each
 * database keeps its own signing key): a traffic-police recorder writes entries, an auditor reads scores, a
 * rail consumer's API key asks eligibility questions.
 */

export type Headers = Record<string, string>;

export interface Credentials {
  recorder: Headers;
  auditor: Headers;
  railConsumer: Headers;
}

/** Long enough for the figures of one population, which all run on the database the tokens are minted for. */
const tokenHours = '24';
export const railMeasure = 'NO_G_TRAIN';

const bearer = (stdout: string): Headers => ({ Authorization: `Bearer ${stdout.trim()}` });

/** An auditor's token alone: what reading scores and metrics needs. */
export const issueAuditorToken = async (dbPath: string): Promise<Headers> =>
  bearer(
    (await runLedger(dbPath, ['token', '--subject', 'bench-auditor', '--role', 'auditor', '--hours', tokenHours]))
      .stdout,
  );

export const issueCredentials = async (dbPath: string): Promise<Credentials> => {
  const recorder = await runLedger(dbPath, [
    ...['token', '--subject', 'bench-traffic', '--role', 'recorder'],
    ...['--authority', 'traffic-police', '--hours', tokenHours],
  ]);
  const apiKey = await runLedger(dbPath, ['api-key', 'create', '--consumer', 'bench-rail', '--measure', railMeasure]);
  const key = /^key (\S+)$/m.exec(apiKey.stdout)?.[1];
  if (!key) throw new Error(`api-key create printed no key: ${apiKey.stdout}`);
  return {
    recorder: bearer(recorder.stdout),
    auditor: await issueAuditorToken(dbPath),
    railConsumer: { 'X-API-Key': key },
  };
};
