import { resolveStack } from '@custody/stack-env';

/** Resolves the real stack once and hands the endpoints to every test worker through the environment. */
export default async function globalSetup(): Promise<void> {
  // the SDK's notice about its future Node floor is noise in test output
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const stack = await resolveStack();
  Object.assign(process.env, stack.env);
  process.stderr.write(
    `\n[custody tests] real stack from ${stack.source}: kafka ${stack.env.KAFKA_BROKERS}, s3 ${stack.env.S3_ENDPOINT}, opensearch ${stack.env.OPENSEARCH_URL}\n`,
  );
}
