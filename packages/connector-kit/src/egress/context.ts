import type { AnyConnector, MediaContext } from '../connector';
import { Egress } from './egress';

/** What the operator set for media fetches (environment, never a tenant's connector config). */
export interface MediaSettings {
  /** CUSTODY_VENDOR_BASE_URLS: {connectorId: base URL, or [base URL, other origins its media comes from]}, e.g. a local fake vendor in tests. */
  baseUrls: Record<string, string | string[]>;
  /** CUSTODY_MEDIA_DIRS: {instanceId: directory} for content another program on this host stores. */
  mediaDirs: Record<string, string>;
}

/** Builds the MediaContext of each instance: one Egress (connection pool, allow-list) per connector. */
export function mediaContexts(settings: MediaSettings): { contextFor(connector: AnyConnector, instance: string): MediaContext; close(): Promise<void> } {
  const egresses = new Map<string, Egress>();
  return {
    contextFor(connector, instance) {
      const setting = settings.baseUrls[connector.id];
      const override = setting === undefined ? [] : [setting].flat();
      const baseUrl = override[0] ?? connector.egress?.baseUrl;
      let http = egresses.get(connector.id);
      if (!http) {
        http = new Egress({ vendor: connector.id, hosts: connector.egress?.hosts ?? [], trustedOrigins: override.map((u) => new URL(u).origin) });
        egresses.set(connector.id, http);
      }
      return { instance, baseUrl, http, localDir: settings.mediaDirs[instance] };
    },
    close: async () => {
      await Promise.all([...egresses.values()].map((e) => e.close()));
    },
  };
}
