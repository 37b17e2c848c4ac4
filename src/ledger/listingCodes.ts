import type { EvidenceKind } from './scheme';

/**
 * The closed lists a listing is made of (DESIGN.md §1 rule 5: blacklisting only through a legal act, on a
 * ground from a closed list, with restrictions from a closed list; reference/domain.md §A9 and §B7).
 * A code added here changes the law as the ledger models it, so each list names its source.
 * schemas/listings.json repeats these lists for the event and request schemas; a test keeps them equal.
 */

export const listNames = ['blacklist', 'redlist'] as const;
export type ListName = (typeof listNames)[number];

/**
 * The six grounds of the SPC provisions on publishing the list of dishonest judgment defaulters (2013,
 * amended by Fa Shi [2017] No. 7), art. 1, in its order.
 */
export const blacklistGrounds = [
  /** 1. Able to perform the obligation, but refusing to. */
  'ABLE_BUT_REFUSING',
  /** 2. Obstructing enforcement by forged evidence, violence or threats. */
  'OBSTRUCTING_BY_FORCE_OR_FORGERY',
  /** 3. Evading enforcement by sham litigation or arbitration, or by hiding or transferring assets. */
  'EVADING_BY_SHAM_OR_HIDING_ASSETS',
  /** 4. Breaching the asset-reporting system. */
  'BREACHING_ASSET_REPORTING',
  /** 5. Breaching a spending-restriction order. */
  'BREACHING_SPENDING_RESTRICTION',
  /** 6. Refusing, without reason, to carry out an enforcement settlement. */
  'REFUSING_SETTLEMENT',
] as const;
export type BlacklistGround = (typeof blacklistGrounds)[number];

/** The SPC provisions on restricting high consumption by judgment debtors, art. 3: what a listed person may not buy. */
export const restrictions = [
  'NO_FLIGHT',
  'NO_SOFT_SLEEPER',
  'NO_G_TRAIN',
  'NO_STAR_HOTEL',
  'NO_PROPERTY_PURCHASE',
  'NO_LUXURY_OFFICE',
  'NO_NONESSENTIAL_VEHICLE',
  'NO_LEISURE_TRAVEL',
  'NO_PRIVATE_SCHOOL_FEES',
  'NO_HIGH_PREMIUM_INSURANCE',
] as const;
export type Restriction = (typeof restrictions)[number];

/**
 * What ends a listing before its period does, and is asked for: performance or settlement (SPC provisions
 * art. 10), the creditor's approved request (art. 10), an upheld correction (art. 12), granted credit
 * repair (NDRC Order No. 58).
 */
export const removalReasons = [
  'obligationPerformed',
  'settlementPerformed',
  'creditorRequest',
  'correctionUpheld',
  'repairGranted',
] as const;
export type RemovalReason = (typeof removalReasons)[number];

/** A listing also ends when its period does (art. 10, last paragraph); nobody has to ask for that. */
export type RemovedReason = RemovalReason | 'periodEnded';

/**
 * A red-list entry is an honour: taking it away does not favour the subject, so only a finding that it was
 * wrong ends it early. The blacklist's other reasons (performance, settlement...) mean nothing for it.
 */
export const removalReasonsByList: Readonly<Record<ListName, readonly RemovalReason[]>> = {
  blacklist: removalReasons,
  redlist: ['correctionUpheld'],
};

/**
 * The legal act a listing rests on. The blacklist: the enforcing court's ruling (a courtJudgment), never a
 * score. The red list: the honour itself, as certified by the body that conferred it; the ledger's evidence
 * kinds have no other official act that confers a positive status.
 */
export const legalActKindsByList: Readonly<Record<ListName, readonly EvidenceKind[]>> = {
  blacklist: ['courtJudgment'],
  redlist: ['honourCertificate'],
};

/** Only the People's Courts list, extend and remove judgment defaulters (SPC provisions, arts. 1, 2 and 10). */
export const blacklistAuthority = 'court';
