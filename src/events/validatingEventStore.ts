import type { SchemaRegistry } from '../schemaRegistry';
import type { EventStore } from './eventStore';

/** An event whose data breaks its JSON Schema, or whose type has none. It is a bug in the writer. */
export class EventSchemaViolation extends Error {
  override readonly name = 'EventSchemaViolation';
  constructor(
    readonly eventType: string,
    readonly field: string,
    detail: string,
  ) {
    super(`event ${eventType}: ${field || '(data)'} ${detail}`);
  }
}

/**
 * Wraps a store so that every appended event is checked against schemas/events/<type>.json first:
 * an event that breaks its schema, or has no schema, is never stored.
 */
export const withEventValidation = (store: EventStore, schemas: SchemaRegistry): EventStore => ({
  ...store,
  async appendToStream(stream, events, options) {
    for (const event of events) {
      const schemaPath = `events/${event.type}.json`;
      if (!schemas.schemas().has(schemaPath))
        throw new EventSchemaViolation(event.type, '', 'has no schema under schemas/events/');
      const failure = schemas.validate(schemaPath, event.data);
      if (failure) throw new EventSchemaViolation(event.type, failure.field, failure.message);
    }
    return store.appendToStream(stream, events, options);
  },
});
