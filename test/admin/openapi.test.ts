import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app';
import { ADMIN_PASSWORD, login } from '../workspace/helpers';

type Json = any;

/** /api/docs is generated from the schemas the routes parse with: it lists what the server serves, as strictly. */
describe('OpenAPI document', () => {
  let app: TestApp;
  let docs: Json;
  beforeAll(async () => {
    app = await startTestApp('sqlite', { ADMIN_PASSWORD });
    const r = await fetch(`${app.url}/api/docs`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('application/json');
    docs = await r.json();
  });
  afterAll(async () => app?.close());

  const operations = () =>
    Object.entries(docs.paths as Record<string, Record<string, Json>>).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ path, method, op })),
    );
  const resolve = (ref: string) => docs.components.schemas[ref.replace('#/components/schemas/', '')];

  it('is OpenAPI 3.1 with every admin operation, its roles and its errors', () => {
    expect(docs.openapi).toBe('3.1.0');
    const admin = operations().filter((o) => o.path.startsWith('/api/admin/'));
    expect(admin.length).toBeGreaterThanOrEqual(30);
    for (const { path, method, op } of admin) {
      expect(op['x-roles'], `${method} ${path}`).toEqual(['admin']);
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '401', '403']));
      if (op.requestBody)
        expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['400', '413', '415']));
    }
    const ids = operations().map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(
      expect.arrayContaining([
        'putIntent',
        'putReply',
        'putTier',
        'putGroup',
        'putHours',
        'putGreeting',
        'putSpam',
        'putAlerts',
        'restoreVersion',
        'tryText',
        'suggestKeywords',
        'createAgent',
        'updateAgent',
        'forceAgentStatus',
        'login',
      ]),
    );
  });

  it('documents strict bodies: every object schema refuses unknown fields, as the server does', () => {
    const visit = (schema: Json, where: string): void => {
      if (!schema || typeof schema !== 'object') return;
      if (schema.type === 'object' && schema.properties)
        expect(schema.additionalProperties, where).toBe(false);
      for (const [k, v] of Object.entries(schema)) if (v && typeof v === 'object') visit(v, `${where}.${k}`);
    };
    for (const [name, schema] of Object.entries(docs.components.schemas))
      if (name !== 'Error') visit(schema, name);
    const putReply = resolve(
      docs.paths['/api/admin/replies/{id}'].put.requestBody.content['application/json'].schema.$ref,
    );
    expect(putReply.required).toEqual(['baseVersion', 'reply']);
    expect(putReply.properties.reply).toEqual({ $ref: '#/components/schemas/ReplyTemplate' });
    expect(docs.paths['/api/admin/intents/{id}'].delete.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'id', in: 'path', required: true }),
        expect.objectContaining({ name: 'baseVersion', in: 'query', required: true }),
      ]),
    );
    expect(resolve('#/components/schemas/SpamRules').properties.patterns.items.maxLength).toBe(200);
  });

  it('every documented admin operation exists on the server and is guarded', async () => {
    const token = await login(app, 'admin', ADMIN_PASSWORD);
    for (const { path, method } of operations().filter((o) => o.path.startsWith('/api/admin/'))) {
      const url = app.url + path.replace('{id}', 'shipping-time').replace('{version}', '1');
      const anonymous = await fetch(url, { method: method.toUpperCase() });
      expect(anonymous.status, `${method} ${path}`).toBe(401);
      // As admin, an unknown field is refused (400) — never a 404: the route is real.
      const body = method === 'get' || method === 'delete' ? undefined : JSON.stringify({ unexpected: true });
      const query = method === 'get' || method === 'delete' ? '?unexpected=1' : '';
      const r = await fetch(url + query, {
        method: method.toUpperCase(),
        headers: {
          authorization: `Bearer ${token}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        ...(body ? { body } : {}),
      });
      expect(r.status, `${method} ${path}`).toBe(400);
    }
  });
});
