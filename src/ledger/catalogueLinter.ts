import {
  grades,
  isRange,
  officialEvidenceKinds,
  type EvidenceKind,
  type GradeBand,
  type RuleDirection,
  type RuleItem,
  type Scheme,
} from './scheme';

/**
 * The catalogue linter (DESIGN.md §1 items 1 and 10): what a scheme means, where the JSON Schema checks
 * only its shape. A scheme with any finding is refused.
 */
export interface LintFinding {
  /** JSON pointer into the scheme, e.g. `/catalogue/3/points`. */
  field: string;
  message: string;
}

type RuleCheck = (rule: RuleItem, at: string) => LintFinding[];

const refuseIf = (refused: boolean, field: string, message: string): LintFinding[] =>
  refused ? [{ field, message }] : [];

const directionSign: Record<Exclude<RuleDirection, 'gradeCap'>, { value: number; word: string; aRule: string }> = {
  deduction: { value: -1, word: 'negative', aRule: 'a deduction' },
  addition: { value: 1, word: 'positive', aRule: 'an addition' },
};

const pointValues = (points: RuleItem['points']): number[] => {
  if (points === undefined) return [];
  return isRange(points) ? [points.min, points.max] : [points];
};

const isOfficial = (kind: EvidenceKind): boolean => (officialEvidenceKinds as readonly EvidenceKind[]).includes(kind);

const wholeWords = (...words: string[]): RegExp => new RegExp(`\\b(${words.join('|')})\\b`, 'i');

/**
 * Topics a rule must not be about: who the subject is related to or what they believe, rather than what
 * they did (DESIGN.md §1.10, domain.md PART C), matched as whole words in a rule's code and title, so that
 * "parent" does not catch "transparent".
 *
 * This is a guard, not a judge. It misses a prohibited rule worded around these words (a "status" bonus for
 * army service, say), and it refuses some lawful ones (a protested bill of exchange, a bankruptcy petition),
 * which must then be reworded. "faith" is left out because "good faith" and "bad faith" are ordinary legal
 * terms. A person still reviews every scheme before it is published.
 */
const prohibitedTopics: readonly { topic: string; words: RegExp }[] = [
  {
    topic: 'kinship or family status',
    words: wholeWords(
      'sons?',
      'daughters?',
      'child(ren)?',
      'parent(s|al)?',
      'spouses?',
      'husbands?',
      'wi(fe|ves)',
      'relatives?',
      'kin(ship)?',
      'famil(y|ies)',
      'filial',
    ),
  },
  { topic: 'religion', words: wholeWords('religio\\w*', 'worship\\w*') },
  { topic: 'ethnicity', words: wholeWords('ethnic\\w*') },
  { topic: 'political expression', words: wholeWords('politic\\w*', 'party members?', 'petition\\w*', 'protest\\w*') },
  { topic: 'speech', words: wholeWords('speech\\w*', 'rumou?r\\w*') },
];

const requiresLegalBasis: RuleCheck = (rule, at) =>
  refuseIf(rule.legalBasis.trim() === '', `${at}/legalBasis`, 'must name the law or document the rule rests on');

const pointsOrCapFitDirection: RuleCheck = (rule, at) => {
  if (rule.direction === 'gradeCap') {
    return [
      ...refuseIf(rule.gradeCap === undefined, `${at}/gradeCap`, 'must name the highest grade a gradeCap rule allows'),
      ...refuseIf(rule.points !== undefined, `${at}/points`, 'a gradeCap rule carries no points'),
    ];
  }
  return [
    ...refuseIf(rule.gradeCap !== undefined, `${at}/gradeCap`, 'only a gradeCap rule may cap the grade'),
    ...refuseIf(rule.points === undefined, `${at}/points`, `${directionSign[rule.direction].aRule} must carry points`),
  ];
};

const pointsSignedByDirection: RuleCheck = (rule, at) => {
  if (rule.direction === 'gradeCap') return [];
  const { value, word, aRule } = directionSign[rule.direction];
  const wrongSign = pointValues(rule.points).some((points) => Math.sign(points) !== value);
  return refuseIf(wrongSign, `${at}/points`, `${aRule}'s points must all be ${word}`);
};

const rangeInOrder: RuleCheck = (rule, at) =>
  refuseIf(isRange(rule.points) && rule.points.min > rule.points.max, `${at}/points`, 'min must not exceed max');

const adverseRuleNeedsOfficialEvidence: RuleCheck = (rule, at) =>
  refuseIf(
    rule.direction !== 'addition' && !rule.evidenceKinds.some(isOfficial),
    `${at}/evidenceKinds`,
    'a deduction or grade cap needs an official document; a photo or witness statement alone is not enough',
  );

const capSignedByDirection: RuleCheck = (rule, at) => {
  if (rule.perPeriodCap === undefined) return [];
  if (rule.direction === 'gradeCap') {
    return [{ field: `${at}/perPeriodCap`, message: 'a gradeCap rule has no points to cap' }];
  }
  const { value, word, aRule } = directionSign[rule.direction];
  return refuseIf(
    Math.sign(rule.perPeriodCap.points) !== value,
    `${at}/perPeriodCap/points`,
    `must be ${word}, like ${aRule}'s points`,
  );
};

const avoidsProhibitedTopics: RuleCheck = (rule, at) =>
  prohibitedTopics.flatMap(({ topic, words }) => {
    const match = words.exec(`${rule.code} ${rule.title}`);
    return match ? [{ field: at, message: `must not be about ${topic} ("${match[0]}")` }] : [];
  });

const ruleChecks: readonly RuleCheck[] = [
  requiresLegalBasis,
  pointsOrCapFitDirection,
  pointsSignedByDirection,
  rangeInOrder,
  adverseRuleNeedsOfficialEvidence,
  capSignedByDirection,
  avoidsProhibitedTopics,
];

const lintRule = (rule: RuleItem, index: number): LintFinding[] =>
  ruleChecks.flatMap((check) => check(rule, `/catalogue/${index}`));

const duplicateCodes = (list: readonly { code: string }[], at: string): LintFinding[] =>
  list.flatMap((item, index) => {
    const first = list.findIndex((other) => other.code === item.code);
    return refuseIf(first < index, `${at}/${index}/code`, `duplicates ${at}/${first}/code (${item.code})`);
  });

const authoritiesDeclared = (scheme: Scheme): LintFinding[] => {
  const declared = new Set(scheme.authorities.map((authority) => authority.code));
  return scheme.catalogue.flatMap((rule, index) =>
    rule.recordingAuthorities.flatMap((code, position) =>
      refuseIf(
        !declared.has(code),
        `/catalogue/${index}/recordingAuthorities/${position}`,
        `names ${code}, which /authorities does not declare`,
      ),
    ),
  );
};

const extensionInOrder = (scheme: Scheme): LintFinding[] => {
  const { min, max } = scheme.listings.extensionMonths;
  return refuseIf(min > max, '/listings/extensionMonths', `min (${min}) is above max (${max})`);
};

const bandsListEachGradeInOrder = (bands: GradeBand[]): LintFinding[] => {
  const listed = bands.map((band) => band.grade).join(', ');
  return refuseIf(
    listed !== grades.join(', '),
    '/gradeBands',
    `must list each grade once, from AAA to D (found ${listed})`,
  );
};

const bandMinimum = (band: GradeBand, index: number, bands: GradeBand[]): LintFinding[] => {
  const at = `/gradeBands/${index}/minScore`;
  if (index === bands.length - 1) return refuseIf(band.minScore !== undefined, at, 'the lowest band has no minimum');
  if (band.minScore === undefined) return [{ field: at, message: 'is required on every band but the lowest' }];
  const above: GradeBand | undefined = bands[index - 1];
  if (above?.minScore === undefined || band.minScore < above.minScore) return [];
  return [{ field: at, message: `must be below the minimum of ${above.grade} (${above.minScore})` }];
};

const lintGradeBands = (bands: GradeBand[]): LintFinding[] => [
  ...bandsListEachGradeInOrder(bands),
  ...bands.flatMap(bandMinimum),
];

/** Every reason to refuse the scheme; none when it may be published. */
export const lintScheme = (scheme: Scheme): LintFinding[] => [
  ...lintGradeBands(scheme.gradeBands),
  ...duplicateCodes(scheme.catalogue, '/catalogue'),
  ...duplicateCodes(scheme.authorities, '/authorities'),
  ...duplicateCodes(scheme.perks, '/perks'),
  ...duplicateCodes(scheme.listings.redlistCriteria, '/listings/redlistCriteria'),
  ...authoritiesDeclared(scheme),
  ...extensionInOrder(scheme),
  ...scheme.catalogue.flatMap(lintRule),
];
