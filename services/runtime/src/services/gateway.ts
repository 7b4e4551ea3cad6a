import { utcDay } from '@custody/control';
import { gatewayRoutes } from '@custody/gateway';
import type { ServiceModule } from './service-module';

/** Vendor webhooks: verify, normalize, publish; rejected input quarantined. */
export const gateway: ServiceModule = {
  name: 'gateway',
  // connector activity (last event, events per hour, sequence gaps) written at most once a minute per instance
  start: async ({ activity }) => {
    activity.start();
    return { stop: () => activity.stop() };
  },
  routes: ({ adapters, topics, instances, logger, control, config, metrics, http, activity, reconciliation }) =>
    gatewayRoutes({
      bus: adapters.bus,
      topics,
      instances,
      logger: logger.child({ component: 'gateway' }),
      directoryOf: (tenant) => control.directoryOf(tenant),
      limits: { maxEvents: config.CUSTODY_MAX_EVENTS_PER_DELIVERY, maxEnvelopeBytes: config.CUSTODY_MAX_RECORD_BYTES_PER_DELIVERY },
      rejections: http.limiter(config.CUSTODY_REJECTIONS_PER_MINUTE),
      onDropped: (inst, reason) => metrics.quarantineDropped.inc({ connector: inst.connector.id, tenant: inst.tenant, reason }),
      onAccepted: (inst, envelopes) => envelopes.forEach((e) => metrics.ingested.inc({ channel: e.channel, tenant: inst.tenant })),
      onDelivery: (inst, d) => {
        // a delivery refused whole is no activity of the source (docs/architecture.md), but it was received
        if (!d.refusedWhole) activity.record(inst, d.events, d.sequences, d.receivedAt);
        const day = utcDay(d.receivedAt);
        reconciliation.add(inst.tenant, day, inst.connector.id, 'received', d.events);
        reconciliation.add(inst.tenant, day, inst.connector.id, 'quarantined', d.quarantined);
      },
      onQuarantined: (inst, code) => metrics.quarantined.inc({ connector: inst?.connector.id ?? 'unknown', tenant: inst?.tenant ?? 'unknown', code }),
    }),
};
