/**
 * Generic test support: nothing here loads a service, so a package's unit tests can use it without
 * pulling in the API. Stack and process wiring for end-to-end tests are the modules
 * `@custody/testing/stack`, `/process`, `/whatsapp` and `/twilio`.
 */
export * from './connector';
export * from './connector-contract';
export * from './envelope';
export * from './fake-vendor';
export * from './names';
export * from './net';
export * from './stack-env';
export * from './wait';
