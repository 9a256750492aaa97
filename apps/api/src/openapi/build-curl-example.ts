import type { Operation } from './openapi-document.js';

/** A POSIX shell word for any text: single-quoted, with embedded quotes spliced in. */
const shellQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/** An example value as it goes on the wire: strings as they are, anything else as JSON. */
const wireText = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

const SAFE_URL_PART = /^[\w/.,:=?&%~-]*$/;

/**
 * A copy-and-paste curl command for an operation, from the examples in the document: the path
 * and query parameters' examples, required header parameters, and the JSON body's example.
 * The base URL and the API key come from `VEXORA_API_URL` and `VEXORA_API_KEY` in the shell, so
 * the page holds no secret and needs no knowledge of where it is served.
 */
export function buildCurlExample(method: string, path: string, operation: Operation): string {
  const parameters = operation.parameters ?? [];
  let target = path.replace(/\{([^}]+)\}/g, (whole, name: string) => {
    const example = parameters.find(
      (parameter) => parameter.in === 'path' && parameter.name === name,
    )?.example;
    return example === undefined ? whole : encodeURIComponent(wireText(example));
  });
  const query = parameters
    .filter((parameter) => parameter.in === 'query' && parameter.example !== undefined)
    .map((parameter) => {
      const values = Array.isArray(parameter.example) ? parameter.example : [parameter.example];
      return `${encodeURIComponent(parameter.name)}=${values.map((value) => encodeURIComponent(wireText(value))).join(',')}`;
    });
  if (query.length > 0) target += `?${query.join('&')}`;

  const lines = [
    `curl -sS${method.toUpperCase() === 'GET' ? '' : ` -X ${method.toUpperCase()}`} ${
      SAFE_URL_PART.test(target) ? `"$VEXORA_API_URL${target}"` : `"$VEXORA_API_URL"${shellQuote(target)}`
    }`,
  ];
  if (operation.security === undefined || operation.security.length > 0) {
    lines.push(`-H "Authorization: Bearer $VEXORA_API_KEY"`);
  }
  for (const parameter of parameters) {
    if (parameter.in === 'header' && parameter.required) {
      lines.push(
        `-H ${shellQuote(`${parameter.name}: ${parameter.example === undefined ? '…' : wireText(parameter.example)}`)}`,
      );
    }
  }
  const body = operation.requestBody?.content['application/json']?.example;
  if (body !== undefined) {
    lines.push(`-H 'Content-Type: application/json'`);
    lines.push(`--data ${shellQuote(JSON.stringify(body, null, 2))}`);
  }
  return lines.join(' \\\n  ');
}
