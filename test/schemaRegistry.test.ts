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
