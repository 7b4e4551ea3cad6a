import { secretFieldsOf } from '@custody/connector-kit';
import { secretFieldNames } from '@custody/logger';
import { connectorIds, connectorSecretFields, getConnector } from './registry';

// what each connector's secret settings must never reach (messages, logs, audit) is connectorContract(), run in its own test file
describe.each(connectorIds())('secret settings of connector %s', (id) => {
  it('the registry publishes its declaration, and the loggers redact every field it declares', () => {
    const secrets = secretFieldsOf(getConnector(id).configSchema);
    expect(secrets.length).toBeGreaterThan(0);
    expect(connectorSecretFields.get(id)).toEqual(secrets);
    expect(secretFieldNames()).toEqual(expect.arrayContaining(secrets));
  });
});
