import { startCustody } from '@custody/runtime';
import { testLogger } from '@custody/testing';
import { conversationViewSuite } from '@custody/testing/conversation';
import { stackConfig } from '@custody/testing/stack';

/** The conversation view on the stack: Kafka, MinIO with Object Lock, OpenSearch. */
conversationViewSuite(
  'stack',
  async () => {
    const sc = stackConfig();
    const custody = await startCustody(sc.config, testLogger());
    return {
      url: custody.url,
      instance: 'acme-wa',
      appSecret: sc.appSecret,
      tokens: { compliance: sc.keys.compliance.token, auditor: sc.keys.auditor.token, admin: sc.keys.admin.token, otherTenant: sc.keys.other.token },
      stop: () => custody.stop(),
    };
  },
  { tamperable: false },
);
