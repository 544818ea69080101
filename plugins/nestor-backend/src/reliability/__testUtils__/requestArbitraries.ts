/*
 * TEST ONLY. fast-check arbitraries of HTTP requests to one documented
 * operation. Half of the requests are well-formed: parameters and bodies
 * shaped by the spec's schemas, with names the fixtures know, so they get
 * past validation into the services. The other half are hostile: any string
 * (lone surrogates, control characters, very long), any JSON, malformed
 * JSON, other content types, deep nesting, bodies over the limit, repeated
 * and bracketed query parameters, malformed percent escapes, traversal.
 */
import fc from 'fast-check';
import {
  OpenApiSpec,
  resolveRef,
  SpecOperation,
  SpecParameter,
  SpecSchema,
} from './openapiOperations';

/** One generated request, ready to send. */
export interface FuzzRequest {
  method: string;
  /** the request target below the plugin's base path: path and query, percent-encoded (or deliberately not) */
  target: string;
  headers: Record<string, string>;
  /** the raw body, if any */
  body?: string;
  /** who sends it */
  auth: FuzzAuth;
  /** sign the body as a webhook sender with the source's secret would */
  sign: boolean;
}

/** The identities the fuzz test sends requests as. */
export type FuzzAuth = 'alice' | 'bob' | 'service' | 'none' | 'invalid';

/**
 * Values the fixtures know, per field or parameter name (JSON texts for
 * object fields): well-formed requests draw from them.
 */
export interface KnownValues {
  [field: string]: string[];
}

type Mode = 'valid' | 'hostile';

/** Percent-encodes every byte outside the unreserved set (lone surrogates become U+FFFD). */
export function percentEncode(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(c)
      ? c
      : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Escapes that a careless decoder throws on, and traversal attempts: sent as they are. */
const RAW_ESCAPES = [
  '%',
  '%zz',
  '%E0%A4%A',
  '%C0%AF',
  '%00',
  '..',
  '%2e%2e',
  '%2F',
  'a%2Fb',
  '%252F',
  '%FF%FE',
  '%u0041',
];

/** Any string: printable, any Unicode (lone surrogates included), control characters, special words, long. */
function anyString(maxLength = 40): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ maxLength }),
    fc.string({ unit: 'binary', maxLength }),
    fc.string({ unit: 'grapheme', maxLength }),
    fc.constantFrom(
      '',
      ' ',
      '0',
      '-1',
      'null',
      'true',
      '[]',
      '{}',
      '__proto__',
      'constructor',
      '../../etc/passwd',
      'a'.repeat(5000),
    ),
  );
}

const dnsLabel = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?$/);

/** In valid mode a known value when the field has some; in hostile mode now and then one. */
function known(
  values: string[] | undefined,
  mode: Mode,
  fallback: fc.Arbitrary<string>,
): fc.Arbitrary<string> {
  if (!values || values.length === 0) return fallback;
  return mode === 'valid'
    ? fc.constantFrom(...values)
    : fc.oneof(fc.constantFrom(...values), fallback);
}

/** A header value Node's HTTP client accepts (tab, printable Latin-1). */
function headerValue(
  mode: Mode,
  values: string[] | undefined,
): fc.Arbitrary<string> {
  if (mode === 'valid')
    return known(values, mode, fc.stringMatching(/^[A-Za-z0-9-]{1,40}$/));
  const latin1 = fc.oneof(
    fc.integer({ min: 0x20, max: 0x7e }),
    fc.integer({ min: 0x80, max: 0xff }),
    fc.constant(0x09),
  );
  return fc.oneof(
    fc.string({
      unit: latin1.map(c => String.fromCharCode(c)),
      maxLength: 300,
    }),
    fc.constantFrom(
      '',
      '0',
      '-1',
      '1e3',
      '9007199254740993',
      '99999999999999999999999',
      ' 12 ',
      'a'.repeat(256),
    ),
  );
}

/**
 * A value of `schema`: in `valid` mode of the right type (known values for
 * the field most of the time, required fields present); in `hostile` mode
 * now and then of another type, with a required field missing or unknown
 * fields added.
 */
export function valueFromSchema(
  spec: OpenApiSpec,
  raw: SpecSchema,
  values: KnownValues,
  mode: Mode,
  field = '',
  depth = 0,
): fc.Arbitrary<unknown> {
  const schema = resolveRef(spec, raw);
  let shaped: fc.Arbitrary<unknown>;
  if (schema.enum) {
    shaped = fc.constantFrom(...schema.enum);
  } else if (schema.type === 'integer' || schema.type === 'number') {
    const min = schema.minimum ?? 1;
    const max = schema.maximum ?? 1000;
    shaped =
      mode === 'valid'
        ? fc.integer({ min, max })
        : fc.oneof(
            fc.integer(),
            fc.constantFrom(min - 1, max + 1, 0, -1, 2 ** 53, 1.5, 1e308),
          );
  } else if (schema.type === 'boolean') {
    shaped = fc.boolean();
  } else if (schema.type === 'array') {
    const item = valueFromSchema(
      spec,
      schema.items ?? {},
      values,
      mode,
      field,
      depth + 1,
    );
    shaped =
      depth > 4
        ? fc.constant([])
        : fc.array(item, { maxLength: mode === 'valid' ? 3 : 6 });
  } else if (schema.type === 'object' && schema.properties && depth <= 4) {
    shaped = objectFromSchema(spec, schema, values, mode, depth);
  } else if (schema.type === 'object') {
    const anyObject = fc.dictionary(
      mode === 'valid' ? dnsLabel : anyString(12),
      fc.jsonValue({ maxDepth: 2 }),
      { maxKeys: 4 },
    );
    const texts = values[field];
    if (!texts) shaped = anyObject;
    else
      shaped =
        mode === 'valid'
          ? fc.constantFrom(...texts.map(t => JSON.parse(t)))
          : fc.oneof(
              fc.constantFrom(...texts.map(t => JSON.parse(t))),
              anyObject,
            );
  } else {
    shaped = known(
      values[field],
      mode,
      mode === 'valid' ? dnsLabel : anyString(),
    );
  }
  if (mode === 'valid') return shaped;
  return fc.oneof(
    { arbitrary: shaped, weight: 6 },
    { arbitrary: fc.jsonValue({ maxDepth: 2 }), weight: 1 },
  );
}

function objectFromSchema(
  spec: OpenApiSpec,
  schema: SpecSchema,
  values: KnownValues,
  mode: Mode,
  depth: number,
): fc.Arbitrary<unknown> {
  const model = Object.fromEntries(
    Object.entries(schema.properties ?? {}).map(([key, sub]) => [
      key,
      valueFromSchema(spec, sub, values, mode, key, depth + 1),
    ]),
  );
  const required = (schema.required ?? []).filter(key => key in model);
  const record = fc.record(model, { requiredKeys: required as never[] });
  if (mode === 'valid') return record;
  return fc
    .tuple(
      record,
      required.length > 0
        ? fc.option(fc.constantFrom(...required), { freq: 3 })
        : fc.constant(null),
      fc.option(
        fc.dictionary(anyString(12), fc.jsonValue({ maxDepth: 1 }), {
          maxKeys: 2,
        }),
        { freq: 3 },
      ),
    )
    .map(([value, missing, extra]) => {
      const out: Record<string, unknown> = {
        ...(extra ?? {}),
        ...(value as Record<string, unknown>),
      };
      if (missing !== null) delete out[missing];
      return out;
    });
}

/** A JSON text nested 100 to 20,000 levels deep, as arrays or objects. */
const deeplyNested = fc
  .tuple(fc.integer({ min: 100, max: 20_000 }), fc.boolean())
  .map(([depth, arrays]) =>
    arrays
      ? `${'['.repeat(depth)}${']'.repeat(depth)}`
      : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
  );

interface Body {
  body?: string;
  contentType?: string;
}

const json = (value: fc.Arbitrary<unknown>): fc.Arbitrary<Body> =>
  value.map(v => ({
    body: JSON.stringify(v) ?? 'null',
    contentType: 'application/json',
  }));

/** A request body: schema-shaped JSON, any JSON, malformed JSON, another content type, deep nesting or too large. */
function body(
  spec: OpenApiSpec,
  op: SpecOperation,
  values: KnownValues,
  mode: Mode,
): fc.Arbitrary<Body> {
  if (mode === 'valid')
    return op.body
      ? json(valueFromSchema(spec, op.body.schema, values, mode))
      : fc.constant({});
  const types = fc.constantFrom(
    'text/plain',
    'application/x-www-form-urlencoded',
    'application/xml',
    'application/json; charset=latin1',
    'multipart/form-data',
  );
  const hostile: Array<fc.WeightedArbitrary<Body>> = [
    { arbitrary: json(fc.jsonValue({ maxDepth: 3 })), weight: 3 },
    {
      arbitrary: anyString(200).map(text => ({
        body: text,
        contentType: 'application/json',
      })),
      weight: 2,
    },
    {
      arbitrary: fc
        .tuple(anyString(100), types)
        .map(([text, contentType]) => ({ body: text, contentType })),
      weight: 1,
    },
    {
      arbitrary: deeplyNested.map(text => ({
        body: text,
        contentType: 'application/json',
      })),
      weight: 1,
    },
    {
      arbitrary: fc.constant({
        body: `{"a":"${'x'.repeat(1_100_000)}"}`,
        contentType: 'application/json',
      }),
      weight: 1,
    },
  ];
  if (op.body)
    return fc.oneof(
      {
        arbitrary: json(valueFromSchema(spec, op.body.schema, values, mode)),
        weight: 8,
      },
      ...hostile,
    );
  // a body where none is expected: now and then
  return fc.oneof({ arbitrary: fc.constant({}), weight: 12 }, ...hostile);
}

/** A path parameter, percent-encoded; hostile ones include raw escapes and very long values. */
function pathSegment(
  values: string[] | undefined,
  mode: Mode,
): fc.Arbitrary<string> {
  if (mode === 'valid') return known(values, mode, dnsLabel).map(percentEncode);
  return fc.oneof(
    {
      arbitrary: anyString()
        .filter(s => s.length > 0)
        .map(percentEncode),
      weight: 5,
    },
    { arbitrary: fc.constantFrom(...RAW_ESCAPES), weight: 2 },
    {
      arbitrary: fc
        .string({ minLength: 300, maxLength: 3000 })
        .map(percentEncode),
      weight: 1,
    },
  );
}

/** The query pairs of one parameter: `name=value`; hostile ones also repeat the name, use brackets, raw escapes or no value. */
function queryPairs(
  spec: OpenApiSpec,
  param: SpecParameter,
  values: KnownValues,
  mode: Mode,
): fc.Arbitrary<string[]> {
  const asText = (v: unknown) =>
    typeof v === 'string' ? v : JSON.stringify(v) ?? '';
  const value = valueFromSchema(
    spec,
    param.schema,
    values,
    mode,
    param.name,
  ).map(asText);
  const n = percentEncode(param.name);
  const single = value.map(v => [`${n}=${percentEncode(v)}`]);
  if (mode === 'valid') return single;
  return fc.oneof(
    { arbitrary: single, weight: 6 },
    {
      arbitrary: fc
        .tuple(value, value)
        .map(([a, b]) => [
          `${n}=${percentEncode(a)}`,
          `${n}=${percentEncode(b)}`,
        ]),
      weight: 1,
    },
    {
      arbitrary: fc
        .tuple(anyString(8), value)
        .map(([k, v]) => [`${n}[${percentEncode(k)}]=${percentEncode(v)}`]),
      weight: 1,
    },
    {
      arbitrary: fc.constantFrom(...RAW_ESCAPES).map(raw => [`${n}=${raw}`]),
      weight: 1,
    },
    { arbitrary: fc.constant<string[]>([n]), weight: 1 },
  );
}

function requestOfMode(
  spec: OpenApiSpec,
  op: SpecOperation,
  values: KnownValues,
  mode: Mode,
): fc.Arbitrary<FuzzRequest> {
  const pathParams = op.parameters.filter(p => p.in === 'path');
  const queryParams = op.parameters.filter(p => p.in === 'query');
  const headerParams = op.parameters.filter(p => p.in === 'header');

  const segments = fc.record(
    Object.fromEntries(
      pathParams.map(p => [p.name, pathSegment(values[p.name], mode)]),
    ),
  );
  const query = fc.tuple(
    ...queryParams.map(p =>
      p.required
        ? queryPairs(spec, p, values, mode)
        : fc.option(queryPairs(spec, p, values, mode), { freq: 2 }),
    ),
    // hostile: now and then a parameter the operation does not have
    mode === 'valid'
      ? fc.constant(null)
      : fc.option(
          fc
            .tuple(anyString(10), anyString(10))
            .map(([k, v]) => [`${percentEncode(k)}=${percentEncode(v)}`]),
          { freq: 4 },
        ),
  );
  const headers = fc.record(
    Object.fromEntries(
      headerParams.map(p => [p.name, headerValue(mode, values[p.name])]),
    ),
    { requiredKeys: [] },
  );
  const auth: fc.Arbitrary<FuzzAuth> =
    mode === 'valid'
      ? fc.oneof(
          { arbitrary: fc.constant<FuzzAuth>('alice'), weight: 6 },
          { arbitrary: fc.constantFrom<FuzzAuth>('bob', 'service'), weight: 2 },
        )
      : fc.constantFrom<FuzzAuth>(
          'alice',
          'alice',
          'bob',
          'service',
          'none',
          'invalid',
        );

  return fc
    .record({
      segments,
      query,
      headers,
      body: body(spec, op, values, mode),
      auth,
      sign: fc.boolean(),
    })
    .map(r => {
      const p = op.path.replace(
        /\{(\w+)\}/g,
        (_m, name) => (r.segments as Record<string, string>)[name],
      );
      const pairs = (r.query as Array<string[] | null>).flatMap(
        pair => pair ?? [],
      );
      const headerMap: Record<string, string> = {
        ...(r.headers as Record<string, string>),
      };
      if (r.body.contentType) headerMap['content-type'] = r.body.contentType;
      return {
        method: op.method.toUpperCase(),
        target: `${p}${pairs.length > 0 ? `?${pairs.join('&')}` : ''}`,
        headers: headerMap,
        body: r.body.body,
        auth: r.auth,
        sign: r.sign,
      };
    });
}

/** Requests to one operation: half well-formed, half hostile. */
export function requestArbitrary(
  spec: OpenApiSpec,
  op: SpecOperation,
  values: KnownValues,
): fc.Arbitrary<FuzzRequest> {
  return fc.oneof(
    requestOfMode(spec, op, values, 'valid'),
    requestOfMode(spec, op, values, 'hostile'),
  );
}
