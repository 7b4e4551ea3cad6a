import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig } from '@custody/config';
import { createHttpServer, type Route } from '@custody/http';
import { silentLogger } from '@custody/logger';
import { runtimeRoutes } from './runtime-routes';
import { SERVICE_MODULES, type ServiceContext } from './services';

/** Where the generated document is committed (and served from the code at /openapi.json). */
export const OPENAPI_FILE = resolve(__dirname, '../../../docs/openapi.json');

/**
 * The OpenAPI document of every route any process can serve, generated from the route
 * declarations alone: modules are asked for their routes with a context whose members are never
 * used while routes are declared (only their handlers use them).
 */
export async function openApiDocument(): Promise<object> {
  const config = loadConfig({});
  const http = await createHttpServer({ logger: silentLogger(), maxBodyBytes: config.CUSTODY_MAX_BODY_BYTES });
  const unused = new Proxy({}, { get: (_t, key) => (key === 'child' ? () => unused : unused) }) as never;
  // the assertion types the proxy's target (the rule cannot see that it picks the generic's type)
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
  const ctx = new Proxy({ config, http } as Partial<ServiceContext>, {
    get: (t, key: string) => (t as Record<string, unknown>)[key] ?? unused,
  }) as ServiceContext;
  const routes: Route[] = [
    ...runtimeRoutes({ config, readiness: unused, metrics: unused, services: [], isReady: () => false }),
    ...SERVICE_MODULES.flatMap((m) => m.routes(ctx)),
  ];
  http.add(routes);
  try {
    return await http.openapi();
  } finally {
    await http.close();
  }
}

/** `npm run schema`: writes docs/openapi.json. */
if (require.main === module) {
  openApiDocument().then(
    (doc) => {
      writeFileSync(OPENAPI_FILE, `${JSON.stringify(doc, null, 2)}\n`);
      process.stdout.write(`wrote ${OPENAPI_FILE}\n`);
    },
    (err: unknown) => {
      process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
