import { resolveStack } from './environment';

/** Resolves the real stack once and hands the endpoints to every test worker through the environment. */
export default async function globalSetup(): Promise<void> {
  const stack = await resolveStack();
  Object.assign(process.env, stack.env);
  process.stderr.write(`\n[custody tests] real stack from ${stack.source}: kafka ${stack.env.KAFKA_BROKERS}, s3 ${stack.env.S3_ENDPOINT}, opensearch ${stack.env.OPENSEARCH_URL}\n`);
}
