import { api } from './api';
import { archiver } from './archiver';
import { disposition } from './disposition';
import { gateway } from './gateway';
import { media } from './media';
import type { ServiceModule } from './service-module';

export type { ServiceContext, ServiceModule, Started } from './service-module';

/** Every service CUSTODY_SERVICES can name; adding one is one module and one line here. */
export const SERVICE_MODULES: readonly ServiceModule[] = [gateway, archiver, media, api, disposition];
