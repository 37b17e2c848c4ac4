/**
 * The words of the synthetic city: the narratives recorders give for points chosen from a range, the grounds
 * of objections and the reasons of decisions. A few of each, so that the seeded records read like records.
 */

export const deductionNarratives: readonly string[] = [
  'repeated late delivery to customers after a written warning, found by the regulator',
  'ignored two payment orders before enforcement began',
  'misleading price labels kept after an inspection',
  'deposit withheld from tenants without grounds, as found on appeal',
];

/** A certificate states the hours; the recorder turns them into points (about 1 per 4 hours). */
export const volunteerNarrative = (points: number): string =>
  `${points * 4} certified volunteer hours, ${points} point${points === 1 ? '' : 's'} at about 1 per 4 hours`;

export const objectionGrounds: readonly string[] = [
  'I was not there at the time: the record names the wrong person.',
  'The amount was paid before the due date; the receipt is attached.',
  'The vehicle had been sold two months earlier.',
  'The judgment was set aside on appeal.',
  'The bill went to an old address and I was never notified.',
];

export const objectionReasons = {
  upheld: 'The evidence requested from the recorder confirms the entry; the grounds do not displace it.',
  frivolous: 'The objection repeats grounds already answered and brings nothing new.',
  reversed: 'The evidence shows the subject was not responsible: the entry is reversed.',
  unverifiable: 'The recorder did not produce the evidence behind the entry: it cannot stand.',
} as const;

export const rejectionReason = 'The evidence does not support the rule recorded: recorded again if confirmed.';
