import { clockOf, readConfig } from '../../config';
import { roles, type Role } from '../../api/auth/permissions';
import { tokenLifetimeSecondsMax } from '../../api/auth/tokens';
import { restrictions } from '../../ledger/listingCodes';
import { loadScheme } from '../../ledger/schemeLoader';
import { openCredentials } from '../../service';
import type { Command } from 'commander';

/**
 * `token` and `api-key`: credentials for people and machine consumers.
 */

export const registerCredentials = (program: Command): void => {
  const collect = (value: string, previous: string[]): string[] => [...previous, value];

  const withCredentials = async <T>(
    use: (credentials: ReturnType<typeof openCredentials>) => T | Promise<T>,
  ): Promise<T> => {
    const config = readConfig();
    const credentials = openCredentials({ ...config, clock: clockOf(config) });
    try {
      return await use(credentials);
    } finally {
      credentials.close();
    }
  };

  program
    .command('token')
    .description("mint a token with the ledger's own key, for a person acting in a role")
    .requiredOption('--subject <id>', 'who the token is for (its sub claim)')
    .requiredOption(
      '--role <role>',
      `a role, repeatable: ${roles.filter((role) => role !== 'consumer').join(', ')}`,
      collect,
      [],
    )
    .option('--subject-id <id>', "a resident's own subject id")
    .option('--authority <code>', "a recorder's authority, e.g. traffic-police")
    .option('--hours <hours>', 'lifetime in hours', '8')
    .action(
      async (options: { subject: string; role: string[]; subjectId?: string; authority?: string; hours: string }) => {
        const unknown = options.role.filter((role) => !(roles as readonly string[]).includes(role));
        if (unknown.length > 0) throw new Error(`unknown role ${unknown.join(', ')}; roles are ${roles.join(', ')}`);
        const lifetimeSeconds = Math.round(Number(options.hours) * 3600);
        if (!(lifetimeSeconds >= 1 && lifetimeSeconds <= tokenLifetimeSecondsMax)) {
          throw new Error(`--hours must be from 1 second to ${tokenLifetimeSecondsMax / 3600} hours`);
        }
        await withCredentials(async ({ mintToken }) => {
          if (!mintToken) throw new Error('LEDGER_JWT_PUBLIC_KEY_FILE is set: tokens come from the identity provider');
          const token = await mintToken({
            subject: options.subject,
            roles: options.role as Role[],
            ...(options.subjectId ? { subjectId: options.subjectId } : {}),
            ...(options.authority ? { authority: options.authority } : {}),
            lifetimeSeconds,
          });
          process.stdout.write(`${token}\n`);
        });
      },
    );

  const apiKey = program.command('api-key').description("manage consumers' API keys");

  apiKey
    .command('create')
    .description('create a key bound to the restrictions and perks a consumer may ask about; it is shown once')
    .requiredOption('--consumer <name>', 'who the key is for, e.g. "rail ticketing"')
    .option('--measure <code>', 'a restriction it may ask about, repeatable (e.g. NO_G_TRAIN)', collect, [])
    .option('--perk <code>', 'a perk it may ask about, repeatable (e.g. HEATING_DISCOUNT)', collect, [])
    .action(async (options: { consumer: string; measure: string[]; perk: string[] }) => {
      if (options.measure.length + options.perk.length === 0) throw new Error('name at least one --measure or --perk');
      // A key bound to a code no question can name would be refused every question it was made for.
      const unknownMeasures = options.measure.filter((code) => !(restrictions as readonly string[]).includes(code));
      if (unknownMeasures.length > 0) {
        throw new Error(
          `no restriction ${unknownMeasures.join(', ')}; the restrictions are ${restrictions.join(', ')}`,
        );
      }
      const perks = loadScheme(readConfig().schemePath).perks.map((perk) => perk.code);
      const unknownPerks = options.perk.filter((code) => !perks.includes(code));
      if (unknownPerks.length > 0) {
        throw new Error(`no perk ${unknownPerks.join(', ')} in the scheme; its perks are ${perks.join(', ')}`);
      }
      await withCredentials(({ apiKeys, clock }) => {
        const { id, key } = apiKeys.create(
          { consumer: options.consumer, measures: options.measure, perks: options.perk },
          clock(),
        );
        process.stdout.write(`id ${id}\nkey ${key}\n(the key is not stored and cannot be shown again)\n`);
      });
    });

  apiKey
    .command('revoke <id>')
    .description('revoke a key: requests with it are refused from now on')
    .action(async (id: string) => {
      await withCredentials(({ apiKeys, clock }) => {
        if (!apiKeys.revoke(id, clock())) throw new Error(`no unrevoked key ${id}`);
        process.stdout.write(`revoked ${id}\n`);
      });
    });

  apiKey
    .command('list')
    .description('list the keys, without their secrets')
    .action(async () => {
      await withCredentials(({ apiKeys }) => {
        for (const key of apiKeys.list()) {
          const grants = [...key.measures, ...key.perks].join(',');
          process.stdout.write(`${key.id}  ${key.revokedAt ? 'revoked' : 'active '}  ${key.consumer}  ${grants}\n`);
        }
      });
    });
};
