/** Topic names of the data path. A suffix keeps tests (and tenants of a shared cluster) apart. */
export interface Topics {
  customerData: string;
  /** Webhook deliveries' bytes, once each; records reference them by SHA-256. */
  raw: string;
  quarantine: string;
  dlq: string;
  audit: string;
  /** Attachment records waiting for a vendor to recover, each with its attempt count and due time. */
  mediaRetry: string;
  /** Archived versions waiting to be appended to their tenant's record log; keyed by tenant, so one writer per tenant. */
  recordLog: string;
}

export function topicsFor(suffix = ''): Topics {
  const s = suffix ? `.${suffix}` : '';
  return {
    customerData: `custody.customer-data.v1${s}`,
    raw: `custody.raw.v1${s}`,
    quarantine: `custody.quarantine.v1${s}`,
    dlq: `custody.dlq.v1${s}`,
    audit: `custody.audit.v1${s}`,
    mediaRetry: `custody.media-retry.v1${s}`,
    recordLog: `custody.record-log.v1${s}`,
  };
}
