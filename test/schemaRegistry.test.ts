import { schemaRegistry } from '../src/schemaRegistry';

const schemas = schemaRegistry();
const evidence = {
  kind: 'trafficTicket',
  issuer: 'Rongcheng traffic police',
  documentNumber: 'T-1',
  sha256: 'a'.repeat(64),
};

describe('request schemas', () => {
  it('accept a well-formed entry', () => {
    expect(
      schemas.validate('api/RecordEntryRequest.json', {
        ruleCode: 'TRF-TICKET',
        occurredAt: '2024-05-01T08:00:00Z',
        evidence: [evidence],
      }),
    ).toBeUndefined();
  });

  it.each(['2026-10-01T08:00:00+08:00', '2026-10-01T00:00:00.123Z'])('accept the instant %s', (occurredAt) => {
    expect(
      schemas.validate('api/RecordEntryRequest.json', { ruleCode: 'TRF-TICKET', occurredAt, evidence: [evidence] }),
    ).toBeUndefined();
  });

  it.each([
    ['an offset without minutes', '2026-10-01T08:00:00+08'],
    ['a leap second, which an instant cannot hold', '2026-12-31T23:59:60Z'],
    ['a day the month does not have', '2026-02-30T08:00:00Z'],
  ])('refuse as a date-time %s', (_what, occurredAt) => {
    expect(
      schemas.validate('api/RecordEntryRequest.json', { ruleCode: 'TRF-TICKET', occurredAt, evidence: [evidence] }),
    ).toEqual({ field: '/occurredAt', message: 'must match format "date-time"' });
  });

  it('name an unknown field', () => {
    expect(
      schemas.validate('api/RecordEntryRequest.json', {
        ruleCode: 'TRF-TICKET',
        occurredAt: '2024-05-01T08:00:00Z',
        evidence: [evidence],
        approvedBy: 'me',
      }),
    ).toEqual({ field: '/approvedBy', message: 'is not a known field' });
  });

  it('name the failing field inside the evidence list', () => {
    expect(
      schemas.validate('api/RecordEntryRequest.json', {
        ruleCode: 'TRF-TICKET',
        occurredAt: '2024-05-01T08:00:00Z',
        evidence: [{ ...evidence, sha256: 'not-a-hash' }],
      })?.field,
    ).toBe('/evidence/0/sha256');
  });

  it('require a birth date for a person', () => {
    expect(schemas.validate('api/RegisterSubjectRequest.json', { kind: 'person' })).toEqual({
      field: '/birthDate',
      message: 'is required',
    });
  });

  it('refuse a birth date for an organisation', () => {
    expect(
      schemas.validate('api/RegisterSubjectRequest.json', { kind: 'organization', birthDate: '2000-01-01' }),
    ).toEqual({
      field: '/birthDate',
      message: 'is not allowed here',
    });
  });

  it('resolve a fragment of a schema file', () => {
    expect(
      schemas.validate('api/responses.json#/$defs/EntryRecorded', {
        entryId: 'x',
        status: 'posted',
        position: '0'.repeat(20),
      })?.field,
    ).toBe('/entryId');
  });
});
