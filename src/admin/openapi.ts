import { z } from 'zod';

/**
 * The OpenAPI 3.1 document of the admin API, generated from the very zod schemas the routes parse
 * with (zod 4's `z.toJSONSchema`), so the document cannot drift from what the server accepts.
 */

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
export type Access = 'public' | 'admin' | 'supervisor';

export interface RouteSpec {
  method: Method;
  /** Express-style path: /api/admin/intents/:id */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  access: Access;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Body limit in bytes when larger than the default 64 KiB. */
  bodyLimit?: number;
  /** Statuses besides 200 that the route answers, with what they mean. */
  errors?: Partial<Record<400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429, string>>;
  /** What a 200 answer holds, in words. */
  returns: string;
}

const ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: {
          type: 'string',
          description: 'stable machine-readable code, e.g. invalid_request, stale_version, invalid_config',
        },
        message: { type: 'string', description: 'readable reason' },
        fields: {
          type: 'array',
          description:
            'the fields at fault: body path (400) or configuration path with ids (422), e.g. intents.refund.rules.0.any.2',
          items: {
            type: 'object',
            required: ['path', 'message'],
            properties: { path: { type: 'string' }, message: { type: 'string' } },
          },
        },
        currentVersion: { type: 'integer', description: '409 only: the version that is live now' },
      },
    },
  },
} as const;

const DEFAULT_ERRORS: Record<number, string> = {
  400: 'invalid request: every bad or unknown field named in `error.fields`',
  401: 'not logged in (send Authorization: Bearer <token> from POST /api/auth/login)',
  403: 'logged in, but the role may not do this',
  413: 'body larger than the limit',
  415: 'body is not application/json',
};

const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

function strip(schema: Record<string, unknown>): Record<string, unknown> {
  const { $schema: _s, $id: _i, ...rest } = schema;
  return rest;
}

/** Builds the document: named component schemas plus one operation per route. */
export function openApiDocument(
  routes: readonly RouteSpec[],
  named: Record<string, z.ZodType>,
  info: { title: string; version: string; description: string },
  /** Schemas checked loosely by the route and fully later, shown as the named schema that checks them. */
  aliases: ReadonlyMap<unknown, string> = new Map(),
) {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(named)) registry.add(schema, { id });
  const bodyIds = new Map<RouteSpec, string>();
  for (const r of routes) {
    if (!r.body) continue;
    const id = `${r.operationId[0]!.toUpperCase()}${r.operationId.slice(1)}Body`;
    // A body that is itself a named schema is referenced as it is.
    if (!registry.has(r.body)) registry.add(r.body, { id });
    bodyIds.set(r, registry.get(r.body)!.id);
  }
  const generated = z.toJSONSchema(registry, {
    uri: (id) => `#/components/schemas/${id}`,
    io: 'input',
    unrepresentable: 'any',
    override(ctx) {
      const alias = aliases.get(ctx.zodSchema);
      if (!alias) return;
      for (const k of Object.keys(ctx.jsonSchema)) delete (ctx.jsonSchema as Record<string, unknown>)[k];
      Object.assign(ctx.jsonSchema, { $ref: `#/components/schemas/${alias}` });
    },
  });
  const schemas: Record<string, unknown> = { Error: ERROR_SCHEMA };
  for (const [id, s] of Object.entries(generated.schemas)) schemas[id] = strip(s as Record<string, unknown>);

  const param = (where: 'path' | 'query', obj: z.ZodObject) =>
    Object.entries(obj.shape).map(([name, s]) => {
      const json = strip(
        z.toJSONSchema(s as z.ZodType, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>,
      );
      const optional = (s as z.ZodType).safeParse(undefined).success;
      return {
        name,
        in: where,
        required: where === 'path' || !optional,
        schema: json,
        ...(json.description ? { description: json.description } : {}),
      };
    });

  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const responses: Record<string, unknown> = { 200: { description: r.returns } };
    const errors: Record<number, string> = {};
    if (r.params || r.query || r.body) errors[400] = DEFAULT_ERRORS[400]!;
    if (r.access !== 'public') Object.assign(errors, { 401: DEFAULT_ERRORS[401], 403: DEFAULT_ERRORS[403] });
    if (r.body)
      Object.assign(errors, {
        413: `${DEFAULT_ERRORS[413]} (${r.bodyLimit ?? 65_536} bytes)`,
        415: DEFAULT_ERRORS[415],
      });
    Object.assign(errors, r.errors);
    for (const [status, description] of Object.entries(errors)) {
      responses[status] = {
        description,
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      };
    }
    const op: Record<string, unknown> = {
      operationId: r.operationId,
      summary: r.summary,
      tags: [r.tag],
      ...(r.access === 'public'
        ? { security: [] }
        : { 'x-roles': r.access === 'admin' ? ['admin'] : ['supervisor', 'admin'] }),
      parameters: [...(r.params ? param('path', r.params) : []), ...(r.query ? param('query', r.query) : [])],
      ...(r.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: { $ref: `#/components/schemas/${bodyIds.get(r)}` } } },
            },
          }
        : {}),
      responses,
    };
    const p = openApiPath(r.path);
    paths[p] ??= {};
    paths[p][r.method] = op;
  }
  return {
    openapi: '3.1.0',
    info,
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    paths,
    components: {
      schemas,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'token from POST /api/auth/login' },
      },
    },
  };
}
