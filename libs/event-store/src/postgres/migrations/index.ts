import type { MigrationInterface } from 'typeorm';
import { CreateAppRole1764150000001 } from './create-app-role.migration';
import { CreateEventTables1764150000002 } from './create-event-tables.migration';
import { EventRepairs1799130000000 } from './repairs.migration';
import { NamedSequences1800150000000 } from './sequences.migration';
import { NamedSequencesMany1800160000000 } from './sequences-many.migration';
import { NamedSequencesFirstUse1800170000000 } from './sequences-first-use.migration';

export { APP_ROLE } from './create-app-role.migration';

/** The event store's migrations, in order; other libraries pass theirs as `extraMigrations`. */
export const eventStoreMigrations: (new () => MigrationInterface)[] = [
  CreateAppRole1764150000001,
  CreateEventTables1764150000002,
  EventRepairs1799130000000,
  NamedSequences1800150000000,
  NamedSequencesMany1800160000000,
  NamedSequencesFirstUse1800170000000,
];
