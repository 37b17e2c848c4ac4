import { createHash } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { canonicalJson } from '../events/canonicalJson';
import type { EventStore } from '../events/eventStore';
import { schemeStream, type SchemeVersionPublished } from '../events/ledgerEvents';
import { formatDate, parseDate } from './calendar';
import { LedgerRuleViolation } from './errors';
import type { Scheme } from './scheme';
import { createSchemeBook, type SchemeBook } from './schemeBook';

/**
 * Scheme versions are stored as events on the scheme's own stream. Publishing the same version twice is a
 * no-op; the same version with other content is refused (a version never changes silently), and a new
 * version takes effect from a day that has not begun when it is published (never retroactively).
 */

export const schemeContentSha256 = (scheme: Scheme): string =>
  createHash('sha256').update(canonicalJson(scheme)).digest('hex');

export const readPublishedSchemes = async (store: EventStore, schemeId: string): Promise<SchemeVersionPublished[]> =>
  (await store.readStream(schemeStream(schemeId)))
    .filter((event) => event.type === 'SchemeVersionPublished')
    .map((event) => event.data as SchemeVersionPublished);

export const publishScheme = async (
  store: EventStore,
  scheme: Scheme,
  now: Date,
  actorId: string,
): Promise<SchemeBook> => {
  const stream = schemeStream(scheme.id);
  const recorded = await store.readStream(stream);
  const published = recorded.map((event) => event.data as SchemeVersionPublished);
  const contentSha256 = schemeContentSha256(scheme);
  const same = published.find((item) => item.scheme.version === scheme.version);
  if (same) {
    if (same.contentSha256 !== contentSha256) {
      throw new LedgerRuleViolation(
        'scheme-version-changed',
        `scheme ${scheme.id} version ${scheme.version} was published with other content; publish the change as a new version`,
      );
    }
    return createSchemeBook(published.map((item) => item.scheme));
  }
  checkNotRetroactive(scheme, published, now);
  const last = recorded.at(-1);
  await store.appendToStream(
    stream,
    [
      {
        id: uuidv7(),
        type: 'SchemeVersionPublished',
        data: { scheme, contentSha256 },
        metadata: { schemaVersion: 1, actorId },
      },
    ],
    { expectedRevision: last ? last.revision : 'no_stream' },
  );
  return createSchemeBook([...published.map((item) => item.scheme), scheme]);
};

/**
 * A version takes effect at the start of its effectiveFrom day (00:00 UTC, as the scheme book reads it), which must
 * not have begun when it is published: dated the day of its publication, it would judge the conduct of that day's
 * earlier hours, recorded or not yet, by rules that did not exist then.
 */
const checkNotRetroactive = (scheme: Scheme, published: readonly SchemeVersionPublished[], now: Date): void => {
  if (published.length === 0) return;
  if (parseDate(scheme.effectiveFrom) < now) {
    throw new LedgerRuleViolation(
      'scheme-retroactive',
      `scheme ${scheme.id} version ${scheme.version} would take effect from ${scheme.effectiveFrom}, before its ` +
        `publication at ${now.toISOString()}: date it ${formatDate(new Date(now.getTime() + 24 * 60 * 60 * 1000))} or later`,
    );
  }
};
