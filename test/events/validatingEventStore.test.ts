import { createInMemoryEventStore } from '../../src/events/adapters/inMemoryEventStore';
import { EventSchemaViolation, withEventValidation } from '../../src/events/validatingEventStore';
import { schemaRegistry } from '../../src/schemaRegistry';

const store = () => withEventValidation(createInMemoryEventStore(), schemaRegistry());
const event = (type: string, data: unknown) => ({
  id: '01890000-0000-7000-8000-000000000001',
  type,
  data,
  metadata: { schemaVersion: 1 },
});
const registration = { subjectId: 's1', kind: 'organization', baseline: 1000, registeredBy: 'clerk' };

describe('an event store that validates events', () => {
  it('stores an event that matches its schema', async () => {
    const validating = store();
    await validating.appendToStream('subject-s1', [event('SubjectRegistered', registration)]);
    expect(await validating.getStreamRevision('subject-s1')).toBe(0n);
  });

  it('never stores an event that breaks its schema, naming the field', async () => {
    const validating = store();
    await expect(
      validating.appendToStream('subject-s1', [event('SubjectRegistered', { ...registration, name: 'Sun Li' })]),
    ).rejects.toThrow(new EventSchemaViolation('SubjectRegistered', '/name', 'is not a known field'));
    expect(await validating.getStreamRevision('subject-s1')).toBe('no_stream');
  });

  it('never stores an event of a type without a schema', async () => {
    const validating = store();
    await expect(validating.appendToStream('subject-s1', [event('ScoreSet', { score: 2000 })])).rejects.toBeInstanceOf(
      EventSchemaViolation,
    );
    expect(await validating.getStreamRevision('subject-s1')).toBe('no_stream');
  });
});
