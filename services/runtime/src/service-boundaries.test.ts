import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Services import packages, never each other: what two services share belongs in a package, so a
 * service can be changed, moved or run alone without dragging another along. The runtime is the
 * composition root (it starts the services), and the bench drives the assembled runtime; nothing
 * else may name a service.
 */
const SERVICES_DIR = join(__dirname, '../..');
const services = readdirSync(SERVICES_DIR).filter((name) => statSync(join(SERVICES_DIR, name, 'package.json'), { throwIfNoEntry: false })?.isFile());
const serviceNames = services.map((dir) => (JSON.parse(readFileSync(join(SERVICES_DIR, dir, 'package.json'), 'utf8')) as { name: string }).name);
const MAY_IMPORT: Record<string, string[]> = {
  '@custody/runtime': serviceNames,
  '@custody/bench': ['@custody/runtime'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

/** Every module specifier a file names: import/export … from, import(), require(). */
function specifiers(source: string): string[] {
  const found = source.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm);
  return [...found].map((m) => m[1]);
}

describe('service boundaries', () => {
  test('finds every service', () => {
    expect(serviceNames).toEqual(
      expect.arrayContaining(['@custody/api', '@custody/archiver', '@custody/gateway', '@custody/governance', '@custody/media', '@custody/runtime']),
    );
  });

  test.each(services.map((dir, i) => [serviceNames[i], dir] as const))('%s imports no other service in its source', (name, dir) => {
    const allowed = new Set([name, ...(MAY_IMPORT[name] ?? [])]);
    const offending = sourceFiles(join(SERVICES_DIR, dir, 'src')).flatMap((file) =>
      specifiers(readFileSync(file, 'utf8'))
        .filter((s) => serviceNames.some((svc) => s === svc || s.startsWith(`${svc}/`)) && !allowed.has(s.split('/').slice(0, 2).join('/')))
        .map((s) => `${file.slice(SERVICES_DIR.length + 1)} imports ${s}`),
    );
    expect(offending).toEqual([]);
  });

  test.each(services.map((dir, i) => [serviceNames[i], dir] as const))('%s depends on no other service in package.json or tsconfig.json', (name, dir) => {
    const allowed = new Set([name, ...(MAY_IMPORT[name] ?? [])]);
    const pkg = JSON.parse(readFileSync(join(SERVICES_DIR, dir, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    const declared = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'].flatMap((field) => Object.keys(pkg[field] ?? {}));
    expect(declared.filter((d) => serviceNames.includes(d) && !allowed.has(d))).toEqual([]);
    const tsconfig = JSON.parse(readFileSync(join(SERVICES_DIR, dir, 'tsconfig.json'), 'utf8')) as { references?: Array<{ path: string }> };
    const referenced = (tsconfig.references ?? [])
      .map((r) => /^\.\.\/([^/]+)$/.exec(r.path)?.[1])
      .filter((d): d is string => d !== undefined && services.includes(d));
    expect(referenced.map((d) => serviceNames[services.indexOf(d)]).filter((d) => !allowed.has(d))).toEqual([]);
  });

  test('the check sees the import forms it guards against', () => {
    expect(
      specifiers(
        `import { a } from '@custody/api';\nimport type { B } from "@custody/media";\nexport * from '@custody/gateway/dist/x';\nconst c = await import('@custody/archiver');\nrequire('@custody/governance');\nimport '@custody/bench';`,
      ),
    ).toEqual(['@custody/api', '@custody/media', '@custody/gateway/dist/x', '@custody/archiver', '@custody/governance', '@custody/bench']);
  });
});
