export type ParsedBody =
  | {
      ok: true;
      /** The parsed body, for schema validation (numbers as JavaScript numbers). */
      value: Record<string, unknown>;
      /**
       * The top-level scalar fields as they were written on the wire (a JSON number keeps its
       * literal text: `300.50`, not `300.5`), which is what the sender signed.
       */
      wireFields: Record<string, string | boolean | null>;
    }
  | { ok: false; reason: string };

/**
 * Parses a notification body, JSON or `application/x-www-form-urlencoded`, keeping what the
 * signature needs. Content types are matched leniently: a JSON-looking body is read as JSON.
 */
export function parseSignedBody(raw: Buffer | string, contentType = ''): ParsedBody {
  const text = typeof raw === 'string' ? raw : raw.toString('utf8');
  const looksJson = /json/i.test(contentType) || /^\s*\{/.test(text);
  if (!looksJson) {
    const params = new URLSearchParams(text);
    const value: Record<string, string> = {};
    for (const [key, field] of params) value[key] = field;
    if (Object.keys(value).length === 0) return { ok: false, reason: 'empty body' };
    return { ok: true, value, wireFields: { ...value } };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `invalid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'the JSON body is not an object' };
  }
  return { ok: true, value: value as Record<string, unknown>, wireFields: scanTopLevelScalars(text) };
}

/**
 * Reads the top-level members of a JSON object (already known to be valid JSON) and returns the
 * scalar ones: strings decoded, numbers as their literal text, booleans and null as values.
 * Nested objects and arrays are skipped: they are not signed.
 */
function scanTopLevelScalars(text: string): Record<string, string | boolean | null> {
  const fields: Record<string, string | boolean | null> = {};
  let index = text.indexOf('{') + 1;
  const skipWhitespace = () => {
    while (index < text.length && /\s/.test(text[index] ?? '')) index += 1;
  };
  const readString = (): string => {
    const start = index;
    index += 1; // opening quote
    while (text[index] !== '"') index += text[index] === '\\' ? 2 : 1;
    index += 1;
    return JSON.parse(text.slice(start, index)) as string;
  };
  const skipNested = () => {
    let depth = 0;
    do {
      const char = text[index];
      if (char === '"') {
        readString();
        continue;
      }
      if (char === '{' || char === '[') depth += 1;
      else if (char === '}' || char === ']') depth -= 1;
      index += 1;
    } while (depth > 0);
  };

  for (;;) {
    skipWhitespace();
    if (text[index] === '}') return fields;
    const name = readString();
    skipWhitespace();
    index += 1; // colon
    skipWhitespace();
    const char = text[index];
    if (char === '"') {
      fields[name] = readString();
    } else if (char === '{' || char === '[') {
      skipNested();
      delete fields[name]; // a later duplicate key wins, as in JSON.parse
    } else {
      const match = /^(?:true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(index));
      const literal = match?.[0] ?? '';
      index += literal.length;
      fields[name] =
        literal === 'true' ? true : literal === 'false' ? false : literal === 'null' ? null : literal;
    }
    skipWhitespace();
    if (text[index] === ',') index += 1;
  }
}
