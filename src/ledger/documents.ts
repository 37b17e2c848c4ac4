import type { EvidenceRef } from '../events/ledgerEvents';

/**
 * When two evidence references name one official document. A document is known by its content (the SHA-256 of it)
 * and by the number its issuer gave it: either alike is the same document. The kind is not part of it, as a
 * listing's legal act is known by its number or its content alone (listing.ts): an issuer's number names one
 * document, whichever of the rule's kinds a recorder files it under. The issuer is part of it, since every issuer
 * numbers its own documents (two police bureaus may both issue a ticket T-55120).
 *
 * Issuer and number are typed by hand, so they are compared as written, not byte for byte: compatibility forms
 * folded (the full-width brackets of "（2026）"), case and runs of white space ignored.
 */

export interface DocumentIdentity {
  sha256: string;
  /** Issuer and number, as written. */
  issued: string;
}

const beyondPrintableAscii = /[^\x20-\x7e]/;

const asWritten = (text: string): string =>
  (beyondPrintableAscii.test(text) ? text.normalize('NFKC') : text).trim().replace(/\s+/g, ' ').toLowerCase();

export const identityOf = (document: EvidenceRef): DocumentIdentity => ({
  sha256: document.sha256,
  issued: `${asWritten(document.issuer)}\n${asWritten(document.documentNumber)}`,
});

export const sameDocument = (a: DocumentIdentity, b: DocumentIdentity): boolean =>
  a.sha256 === b.sha256 || a.issued === b.issued;
