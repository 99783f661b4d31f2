import type { ProjectionStatus } from '@ordersource/read-models';

/** The query side's read-only port on the views (issue 11: it never sees writes, generations or lifecycle). */
export const VIEW_READER = Symbol('ViewReader');
export const OPENER = Symbol('PersonalDataOpener');
export const PROJECTION_STATUS = Symbol('ProjectionStatusSource');

/** Opens the sealed personal fields a view keeps ("[erased]" once the customer was forgotten). */
export interface PersonalDataOpener {
  openEvents<E extends { readonly type: string; readonly data: object }>(events: readonly E[]): Promise<E[]>;
}


/** Where the projector publishes each view's status (API.md GET /projections). */
export interface ProjectionStatusSource {
  list(): Promise<ProjectionStatus[]>;
}

/** Parked X-Min-Version reads, woken by the views' progress (head-watch.ts). */
export const HEAD_WATCH = Symbol('HeadWatch');
