import { eventTypeName } from '../../../server/src/api/schemas/common.ts';
import type { EventType, Json } from '../api/types.ts';

/** The event-type form as text fields, its checks as the user types, and the API body it becomes. */

export interface EventTypeFormState {
  name: string;
  description: string;
  /** A JSON Schema as JSON text, or empty for none. */
  schema: string;
  enforceSchema: boolean;
  /** A JSON array of example payloads, or empty. */
  examples: string;
  archived: boolean;
}

export type EventTypeFormErrors = Partial<Record<keyof EventTypeFormState, string>>;

// The server's own rule (dot-separated segments, none empty), so the form never accepts what it refuses.
const NAME = new RegExp(eventTypeName.pattern);

export function emptyEventTypeForm(): EventTypeFormState {
  return { name: '', description: '', schema: '', enforceSchema: false, examples: '', archived: false };
}

export function eventTypeFormOf(eventType: EventType): EventTypeFormState {
  return {
    name: eventType.name,
    description: eventType.description ?? '',
    schema: eventType.schema === null ? '' : JSON.stringify(eventType.schema, null, 2),
    enforceSchema: eventType.enforceSchema,
    examples: eventType.examples.length === 0 ? '' : JSON.stringify(eventType.examples, null, 2),
    archived: eventType.archived,
  };
}

function jsonError(text: string): string | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    return `Not valid JSON: ${(error as Error).message}`;
  }
}

export function validateEventTypeForm(state: EventTypeFormState): EventTypeFormErrors {
  const errors: EventTypeFormErrors = {};
  if (!NAME.test(state.name) || state.name.length > eventTypeName.maxLength)
    errors.name = 'Dot-separated segments of letters, digits and _ : / -, none empty, e.g. invoice.paid.';
  if (state.description.length > 2000) errors.description = 'At most 2,000 characters.';
  if (state.schema.trim() !== '') {
    const problem = jsonError(state.schema);
    if (problem) errors.schema = problem;
    else {
      const parsed = JSON.parse(state.schema) as unknown;
      if (typeof parsed !== 'object' && typeof parsed !== 'boolean')
        errors.schema = 'A JSON Schema is an object.';
    }
  } else if (state.enforceSchema) {
    errors.enforceSchema = 'Enforcing needs a schema.';
  }
  if (state.examples.trim() !== '') {
    const problem = jsonError(state.examples);
    if (problem) errors.examples = problem;
    else if (!Array.isArray(JSON.parse(state.examples)))
      errors.examples = 'A JSON array of payloads: [{…}, {…}].';
  }
  return errors;
}

/** The body of `POST /v1/event-types` (with the name) or `PATCH /v1/event-types/{name}`. */
export function eventTypeBodyOf(state: EventTypeFormState, mode: 'create' | 'edit'): Record<string, Json> {
  const body: Record<string, Json> = {
    description: state.description,
    schema: state.schema.trim() === '' ? null : (JSON.parse(state.schema) as Json),
    enforceSchema: state.enforceSchema,
    examples: state.examples.trim() === '' ? [] : (JSON.parse(state.examples) as Json[]),
    archived: state.archived,
  };
  if (mode === 'create') body.name = state.name;
  return body;
}

/** The example to show: the catalog's own examples, else the schema's `examples` keyword, else none. */
export function catalogExample(eventType: EventType): Json | undefined {
  if (eventType.examples.length > 0) return eventType.examples[0];
  const schema = eventType.schema;
  if (schema !== null && typeof schema === 'object' && !Array.isArray(schema)) {
    const examples = schema.examples;
    if (Array.isArray(examples) && examples.length > 0) return examples[0];
  }
  return undefined;
}
