import type { ReversalReason } from '../events/ledgerEvents';
import type { Scheme, Sector } from '../ledger/scheme';
import type { Population, PopulationEntry } from './population';
import { flagReversalOutliers, type RecorderReversals, type ReversalOutliers } from './reversalOutliers';

/**
 * The fairness report (domain.md B9, FairnessDashboard and CollectorActivity; PART C): deductions and additions
 * by recorder, sector, authority and district; recorders whose entries are reversed on objection unusually
 * often; and the share of addition points bought with donations. Pure: a function of the population.
 *
 * What is counted:
 * - the tallies count the entries that stand (posted and not reversed; expired and repaired ones included:
 *   they counted in their time). An amended entry is reversed and its replacement stands, recorded, as
 *   the event says, by the appeal officer who amended it;
 * - a recorder's reversal rate is over every entry of theirs that was posted. Reversed on objection means
 *   reversed by an objection officer (objectionReversed, unverifiable), on reconsideration (reconsidered), or
 *   because an objection deadline was missed (deadlineMissed). An amendment is not: the conduct stood and
 *   only its value was corrected;
 * - donations are additions under rules of the charity sector (in Rongcheng, CHR-DONATION alone).
 */

export interface Tally {
  count: number;
  points: number;
}

export interface DirectionTally {
  deductions: Tally;
  additions: Tally;
  /** Grade caps carry no points. */
  gradeCaps: number;
}

export interface RecorderActivity extends DirectionTally {
  /** Every entry of theirs that was posted, reversed ones included. */
  posted: number;
  reversedOnObjection: number;
}

/** Subjects carry no district: not in their events, their opaque ids, or the subject directory. */
export const noDistrictData = 'no district data';

/** Where a subject lives, from a source the ledger does not have today; undefined when it is not known. */
export type DistrictOf = (subjectId: string) => string | undefined;

/** The tally key of subjects whose district the source does not know. */
export const unknownDistrict = 'unknown';

export interface FairnessOptions {
  /** Every published version: an entry's sector is its rule's in the version it was judged under. */
  schemes: readonly Scheme[];
  districtOf?: DistrictOf;
}

export interface FairnessReport {
  /** The log was read up to and including this position. */
  position: string;
  byRecorder: Record<string, RecorderActivity>;
  bySector: Record<string, DirectionTally>;
  byAuthority: Record<string, DirectionTally>;
  byDistrict: Record<string, DirectionTally> | typeof noDistrictData;
  reversals: ReversalOutliers;
  donations: {
    additionPoints: number;
    donationPoints: number;
    /** donationPoints / additionPoints; null when there are no additions. */
    share: number | null;
  };
}

export const objectionReversalReasons: readonly ReversalReason[] = [
  'objectionReversed',
  'unverifiable',
  'reconsidered',
  'deadlineMissed',
];

export const donationSector: Sector = 'charity';

const emptyTally = (): DirectionTally => ({
  deductions: { count: 0, points: 0 },
  additions: { count: 0, points: 0 },
  gradeCaps: 0,
});

const addTo = (tally: DirectionTally, entry: PopulationEntry): void => {
  if (entry.direction === 'gradeCap') tally.gradeCaps += 1;
  else {
    const side = entry.direction === 'deduction' ? tally.deductions : tally.additions;
    side.count += 1;
    side.points += entry.points;
  }
};

/** The tally under `key`, started at zero on first use. Maps, not objects: a key is anyone's text. */
const tallyIn = <T extends DirectionTally>(tallies: Map<string, T>, key: string, create: () => T): T => {
  const known = tallies.get(key);
  if (known) return known;
  const tally = create();
  tallies.set(key, tally);
  return tally;
};

const sectorLookup = (schemes: readonly Scheme[]): ((entry: PopulationEntry) => Sector) => {
  const sectors = new Map(
    schemes.flatMap((scheme) => scheme.catalogue.map((rule) => [`${scheme.version}/${rule.code}`, rule.sector])),
  );
  return (entry) => {
    const sector = sectors.get(`${entry.schemeVersion}/${entry.ruleCode}`);
    if (!sector) throw new Error(`entry ${entry.entryId} was judged under ${entry.schemeVersion}, which is not given`);
    return sector;
  };
};

export const fairnessReport = (population: Population, { schemes, districtOf }: FairnessOptions): FairnessReport => {
  const sectorOf = sectorLookup(schemes);
  const byRecorder = new Map<string, RecorderActivity>();
  const bySector = new Map<string, DirectionTally>();
  const byAuthority = new Map<string, DirectionTally>();
  const byDistrict = new Map<string, DirectionTally>();
  const donations = { additionPoints: 0, donationPoints: 0 };
  for (const { subjectId, entries } of population.subjects.values()) {
    const district = districtOf && (districtOf(subjectId) ?? unknownDistrict);
    for (const entry of entries) {
      const recorder = tallyIn(byRecorder, entry.recordedBy, () => ({
        ...emptyTally(),
        posted: 0,
        reversedOnObjection: 0,
      }));
      recorder.posted += 1;
      if (entry.reversal !== undefined) {
        if (objectionReversalReasons.includes(entry.reversal)) recorder.reversedOnObjection += 1;
        continue;
      }
      const sector = sectorOf(entry);
      addTo(recorder, entry);
      addTo(tallyIn(bySector, sector, emptyTally), entry);
      addTo(tallyIn(byAuthority, entry.authority, emptyTally), entry);
      if (district !== undefined) addTo(tallyIn(byDistrict, district, emptyTally), entry);
      if (entry.direction === 'addition') {
        donations.additionPoints += entry.points;
        if (sector === donationSector) donations.donationPoints += entry.points;
      }
    }
  }
  const reversals: RecorderReversals[] = [...byRecorder].map(([recorder, activity]) => ({
    recorder,
    entries: activity.posted,
    reversedOnObjection: activity.reversedOnObjection,
  }));
  return {
    position: population.position,
    byRecorder: Object.fromEntries(byRecorder),
    bySector: Object.fromEntries(bySector),
    byAuthority: Object.fromEntries(byAuthority),
    byDistrict: districtOf ? Object.fromEntries(byDistrict) : noDistrictData,
    reversals: flagReversalOutliers(reversals),
    donations: {
      ...donations,
      share: donations.additionPoints === 0 ? null : donations.donationPoints / donations.additionPoints,
    },
  };
};
