import { startDispositionSchedule, tenantsOf } from '../disposition-schedule';
import type { ServiceModule } from './service-module';

/** Disposes of every tenant's expired, unheld records on a schedule. */
export const disposition: ServiceModule = {
  name: 'disposition',
  async start({ adapters, control, audit, config, logger }) {
    const schedule = startDispositionSchedule({
      store: adapters.store,
      index: adapters.index,
      holds: control.holds,
      logger: logger.child({ component: 'governance' }),
      audit,
      retention: control.retention,
      tenants: () => tenantsOf(control),
      intervalMs: config.CUSTODY_DISPOSITION_INTERVAL_SECONDS * 1000,
    });
    return { stop: async () => schedule.stop() };
  },
  routes: () => [],
};
