import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';

/**
 * docker-compose.yml as Docker users run it, checked without Docker (CI has none): valid against the
 * Compose Specification, every image pinned, the MinIO the tests run, servers healthy before Custody.
 */
const repo = resolve(__dirname, '../../..');
const compose = parse(readFileSync(resolve(repo, 'docker-compose.yml'), 'utf8')) as {
  services: Record<
    string,
    { image?: string; build?: { args?: Record<string, string> } | string; depends_on?: Record<string, { condition: string }>; healthcheck?: { test: string[] } }
  >;
};

test('docker-compose.yml is valid against the Compose Specification schema', () => {
  const { $schema, ...schema } = JSON.parse(readFileSync(resolve(__dirname, 'fixtures/compose-spec.json'), 'utf8'));
  // draft-07, which is Ajv's default; the file names it by an https URL Ajv does not know under that name
  expect($schema).toBe('https://json-schema.org/draft-07/schema');
  // strict: false, as the schema carries keywords Ajv does not know (Compose's own annotations)
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
  expect(validate(compose) ? [] : validate.errors).toEqual([]);
});

test('every image is pinned to a version, none floats', () => {
  const images = [
    ...Object.values(compose.services).map((s) => s.image),
    ...dockerfileBases('Dockerfile'),
    ...dockerfileBases('infra/docker/minio.Dockerfile'),
  ];
  for (const image of images.filter((i): i is string => i !== undefined)) expect(image).toMatch(/:v?\d+(\.\d+)+(-[\w.-]+)?$/);
});

test('compose builds the MinIO version infra/local runs the tests on', () => {
  const pinned = /MINIO_VERSION="\$\{MINIO_VERSION:-([^}]+)\}"/.exec(readFileSync(resolve(repo, 'infra/local/env.sh'), 'utf8'))![1];
  const minio = compose.services.minio;
  expect(typeof minio.build === 'object' && minio.build.args?.MINIO_VERSION).toBe(pinned);
  expect(minio.image).toBe(`custody-minio:${pinned}`);
  // MinIO's images carry no curl: the health check asks mc
  expect(minio.healthcheck?.test).toEqual(['CMD', 'mc', 'ready', 'local']);
});

test('Custody starts after Kafka, MinIO and OpenSearch report healthy', () => {
  const custody = compose.services.custody;
  for (const server of ['kafka', 'minio', 'opensearch']) {
    expect(custody.depends_on?.[server]).toEqual({ condition: 'service_healthy' });
    expect(compose.services[server].healthcheck).toBeDefined();
  }
});

test('the Docker image is on the Node line CI runs the full suite on, and /data belongs to node', () => {
  const dockerfile = readFileSync(resolve(repo, 'Dockerfile'), 'utf8');
  const ci = readFileSync(resolve(repo, '.ci/run'), 'utf8');
  const fullSuite = /^NODE_FULL_SUITE=(\S+)/m.exec(ci)![1];
  for (const base of dockerfileBases('Dockerfile')) expect(base).toBe(`node:${fullSuite}-bookworm-slim`);
  // a fresh named volume copies the ownership of the image's directory: it must exist, node's, before VOLUME
  expect(dockerfile.indexOf('chown node:node /data')).toBeGreaterThan(-1);
  expect(dockerfile.indexOf('chown node:node /data')).toBeLessThan(dockerfile.indexOf('VOLUME ["/data"]'));
});

function dockerfileBases(path: string): string[] {
  return [...readFileSync(resolve(repo, path), 'utf8').matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
}
