import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalArchiveStore, policyVersionKey } from '@custody/archive-store';
import { contentAddress, parsePolicy, policyDiff } from './policy';
import { archivePolicyVersion, policyHistory, readPolicyVersion } from './policy-versions';

const yaml = (match: string) => `
format: custody.policy/v1
id: promissory-language
name: Promissory language
severity: high
rules:
  - id: guarantee
    description: A return promised
    match: ${match}
`;

describe('policy versions in the WORM store', () => {
  let dir: string;
  let store: LocalArchiveStore;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'custody-policy-versions-'));
    store = new LocalArchiveStore({ dir });
    await store.ensureReady();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('each version is archived once under its content address; the history reads them back oldest first, with a diff', async () => {
    const v1 = parsePolicy(yaml('guarant* NEAR/3 return*'), 'yaml');
    const v2 = parsePolicy(yaml('guarant* NEAR/5 (return* OR profit*)'), 'yaml');
    const first = await archivePolicyVersion(store, 'acme', v1, 'key-compliance', new Date('2026-12-01T09:00:00Z'));
    expect(first).toMatchObject({ created: true, version: contentAddress(v1), archivedBy: 'key-compliance' });
    // the same content again (from JSON this time) is the same version, as first archived
    const again = await archivePolicyVersion(store, 'acme', parsePolicy(JSON.stringify(v1), 'json'), 'key-other', new Date('2026-12-01T10:00:00Z'));
    expect(again).toMatchObject({ created: false, version: first.version, archivedAt: '2026-12-01T09:00:00.000Z', archivedBy: 'key-compliance' });
    await archivePolicyVersion(store, 'acme', v2, 'key-compliance', new Date('2026-12-01T11:00:00Z'));

    const history = await policyHistory(store, 'acme', 'promissory-language');
    expect(history.map((h) => h.version)).toEqual([contentAddress(v1), contentAddress(v2)]);
    expect(policyDiff(history[0].policy, history[1].policy).rules.changed.map((c) => c.id)).toEqual(['guarantee']);
    expect(await policyHistory(store, 'globex', 'promissory-language')).toEqual([]);
  });

  test('a version read back is re-checked: one whose policy is not what its name says is refused', async () => {
    const v1 = parsePolicy(yaml('guarant* NEAR/3 return*'), 'yaml');
    const { version } = await archivePolicyVersion(store, 'acme', v1, 'key-compliance');
    const hex = version.slice('sha256:'.length);
    // another policy written under v1's name (only a bypass of the store could do it): the name no longer fits the content
    const forged = parsePolicy(yaml('lunch'), 'yaml');
    const wrongName = 'd'.repeat(64);
    await store.put({
      key: policyVersionKey('acme', 'promissory-language', wrongName),
      body: Buffer.from(
        JSON.stringify({
          format: 'custody.policy-version/v1',
          policyId: 'promissory-language',
          version: `sha256:${wrongName}`,
          archivedAt: '2026-12-01T00:00:00Z',
          archivedBy: 'x',
          policy: forged,
        }),
      ),
      contentType: 'application/json',
      retainUntil: new Date(Date.now() + 86_400_000),
      legalHold: false,
    });
    await expect(readPolicyVersion(store, 'acme', 'promissory-language', hex)).resolves.toMatchObject({ version });
    await expect(readPolicyVersion(store, 'acme', 'promissory-language', wrongName)).rejects.toMatchObject({ code: 'integrity_violation' });
    await expect(readPolicyVersion(store, 'acme', 'promissory-language', 'e'.repeat(64))).rejects.toMatchObject({ code: 'not_found' });
  });
});
