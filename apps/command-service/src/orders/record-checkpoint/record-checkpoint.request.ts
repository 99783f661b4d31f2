import { bodyValidator } from '@ordersource/platform';
import { CheckpointKind, checkpointKinds } from '@ordersource/domain';
import { enumOf, id64, instant, objectOf } from '@ordersource/contracts';

export interface RecordCheckpointRequest {
  location: string;
  kind: CheckpointKind;
  occurredAt: string;
}

export const recordCheckpointSchema = objectOf({ location: id64, kind: enumOf(checkpointKinds), occurredAt: instant }, ['location', 'kind', 'occurredAt']);
export const recordCheckpointRequest = bodyValidator<RecordCheckpointRequest>(recordCheckpointSchema);
