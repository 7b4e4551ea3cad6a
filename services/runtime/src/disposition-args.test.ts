import { UsageError, dispositionArgs } from './cli';

test('custody disposition is a dry run unless told --execute', () => {
  expect(dispositionArgs(['--tenant', 'acme'])).toEqual({ tenant: 'acme', dryRun: true });
  expect(dispositionArgs(['--tenant', 'acme', '--dry-run'])).toEqual({ tenant: 'acme', dryRun: true });
  expect(dispositionArgs(['--tenant', 'acme', '--execute'])).toEqual({ tenant: 'acme', dryRun: false });
  expect(() => dispositionArgs(['--tenant', 'acme', '--execute', '--dry-run'])).toThrow(UsageError);
  expect(() => dispositionArgs(['--execute'])).toThrow('disposition needs --tenant');
});
