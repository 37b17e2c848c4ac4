import type { ApiKeyGrant, ApiKeys } from '../api/auth/apiKeys';
import type { TokenMinter } from '../service';

/**
 * Credentials for every role, printed when the service starts with demo data: tokens minted with the
 * ledger's own key, and API keys for two consumers. Each start revokes the previous demo keys and makes new
 * ones, since a key is shown only once.
 */

const demoTokenLifetimeSeconds = 7 * 24 * 60 * 60;
const demoConsumerPrefix = 'demo: ';

const people = [
  {
    variable: 'RESIDENT',
    label: 'resident (Wang Haiyan)',
    subject: 'demo-wang-haiyan',
    roles: ['resident'],
    subjectId: 'demo-wang-haiyan',
  },
  {
    variable: 'RECORDER_TRAFFIC',
    label: 'recorder (traffic police)',
    subject: 'demo-officer-traffic',
    roles: ['recorder'],
    authority: 'traffic-police',
  },
  {
    variable: 'RECORDER_COURT',
    label: 'recorder (court)',
    subject: 'demo-clerk-court',
    roles: ['recorder'],
    authority: 'court',
  },
  {
    variable: 'RECORDER_CIVIL',
    label: 'recorder (civil affairs)',
    subject: 'demo-clerk-civil-affairs',
    roles: ['recorder'],
    authority: 'civil-affairs',
  },
  { variable: 'APPROVER', label: 'approver', subject: 'demo-approver', roles: ['approver'] },
  { variable: 'APPEAL_OFFICER', label: 'appeal officer', subject: 'demo-appeal-officer', roles: ['appealOfficer'] },
  {
    variable: 'SENIOR_APPEAL_OFFICER',
    label: 'senior appeal officer',
    subject: 'demo-senior-appeal-officer',
    roles: ['seniorAppealOfficer'],
  },
  { variable: 'AUDITOR', label: 'auditor', subject: 'demo-auditor', roles: ['auditor'] },
  { variable: 'OPERATOR', label: 'operator', subject: 'demo-operator', roles: ['operator'] },
] as const;

const consumers = [
  {
    variable: 'CONSUMER_RAIL',
    label: 'consumer (rail ticketing)',
    consumer: `${demoConsumerPrefix}rail ticketing`,
    measures: ['NO_G_TRAIN', 'NO_FLIGHT', 'NO_SOFT_SLEEPER'],
    perks: [],
  },
  {
    variable: 'CONSUMER_HEATING',
    label: 'consumer (heating company)',
    consumer: `${demoConsumerPrefix}heating company`,
    measures: [],
    perks: ['HEATING_DISCOUNT'],
  },
] satisfies (ApiKeyGrant & { variable: string; label: string })[];

export interface DemoCredential {
  /** The shell variable the credentials file gives it, e.g. AUDITOR. */
  variable: string;
  label: string;
  header: string;
}

/** A file to `source` in a shell: each credential as a variable holding its header, for `curl -H "$AUDITOR"`. */
export const credentialsFile = (credentials: readonly DemoCredential[]): string =>
  credentials.map(({ variable, label, header }) => `# ${label}\n${variable}='${header}'\n`).join('');

export const issueDemoCredentials = async (
  mintToken: TokenMinter,
  apiKeys: ApiKeys,
  now: Date,
): Promise<DemoCredential[]> => {
  const tokens = await Promise.all(
    people.map(async ({ variable, label, ...request }) => ({
      variable,
      label,
      header: `Authorization: Bearer ${await mintToken({ ...request, roles: [...request.roles], lifetimeSeconds: demoTokenLifetimeSeconds })}`,
    })),
  );
  for (const earlier of apiKeys.list()) {
    if (earlier.consumer.startsWith(demoConsumerPrefix) && !earlier.revokedAt) apiKeys.revoke(earlier.id, now);
  }
  const keys = consumers.map(({ variable, label, ...grant }) => ({
    variable,
    label,
    header: `X-API-Key: ${apiKeys.create(grant, now).key}`,
  }));
  return [...tokens, ...keys];
};
