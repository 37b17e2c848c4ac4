import { createHash } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { canonicalJson } from '../events/canonicalJson';
import type { EventStore } from '../events/eventStore';
import { schemeStream, type SchemeVersionPublished } from '../events/ledgerEvents';
import { formatDate } from './calendar';
import { LedgerRuleViolation } from './errors';
import type { Scheme } from './scheme';
import { createSchemeBook, type SchemeBook } from './schemeBook';

/**
 * Scheme versions are stored as events on the scheme's own stream. Publishing the same version twice is a
 * no-op; the same version with other content is refused (a version never changes silently), and a new
 * version may not take effect before the day it is published (never retroactively).
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

const checkNotRetroactive = (scheme: Scheme, published: readonly SchemeVersionPublished[], now: Date): void => {
  if (published.length === 0) return;
  const today = formatDate(now);
  if (scheme.effectiveFrom < today) {
    throw new LedgerRuleViolation(
      'scheme-retroactive',
      `scheme ${scheme.id} version ${scheme.version} would take effect on ${scheme.effectiveFrom}, before its publication on ${today}`,
    );
  }
};
