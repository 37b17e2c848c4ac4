import type { Express } from 'express';
import request from 'supertest';
import type { LedgerService } from '../../src/service';
import { openTestService } from '../support/ledgerService';

let service: LedgerService;
let document: {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, unknown> };
};

beforeAll(async () => {
  service = await openTestService();
  document = (await request(service.app).get('/openapi.json')).body;
});
afterAll(() => service.close());

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/**
 * Every route the app serves, as `METHOD /path/{param}`: its own (`/healthz`) and those of the routers below it,
 * every one of which is mounted at /v1.
 */
const servedRoutes = (app: Express): string[] => {
  const walk = (stack: Layer[], prefix: string): string[] =>
    stack.flatMap((layer) => {
      if (layer.route) {
        const path = `${prefix}${layer.route.path.replace(/:([A-Za-z]+)/g, '{$1}')}`;
        return Object.keys(layer.route.methods).map((method) => `${method.toUpperCase()} ${path}`);
      }
      return layer.handle?.stack ? walk(layer.handle.stack, '/v1') : [];
    });
  return walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '').sort();
};

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1', () => {
    expect(document.openapi).toBe('3.1.0');
  });

  it('documents exactly the routes the app serves', () => {
    const documented = Object.entries(document.paths)
      .flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    expect(documented).toEqual(servedRoutes(service.app));
  });

  it('describes request bodies with the schemas that validate them', () => {
    expect(document.components.schemas['api.RecordEntryRequest']).toMatchObject({
      properties: { evidence: { $ref: '#/components/schemas/common/$defs/evidenceList' } },
    });
  });

  it('has no reference that does not resolve inside the document', () => {
    const refs = [...JSON.stringify(document).matchAll(/"\$ref":"#\/([^"]+)"/g)].map((match) => match[1] as string);
    expect(refs.length).toBeGreaterThan(0);
    const unresolved = refs.filter(
      (pointer) =>
        pointer
          .split('/')
          .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], document) === undefined,
    );
    expect(unresolved).toEqual([]);
  });
});
