import type { RepairLog } from '@ordersource/event-store';

/** The repairs log (issue 13): written by `npm run repair` as the owner, shown with the integrity verdict. */
export const REPAIR_LOG = Symbol('RepairLog');
export type { RepairLog };
