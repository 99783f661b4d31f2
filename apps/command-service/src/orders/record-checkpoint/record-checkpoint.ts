import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CheckpointKind, checkpointKinds } from '@ordersource/domain';
import { bodyValidator } from '@ordersource/platform';
import { OrderCommandExecutor } from '../order-command.executor';
import { CommandAnswer, OrderCommandMessage, commandMetadata } from '../order-command.message';
import { enumOf, id64, instant, objectOf } from '../request-fragments';

export interface RecordCheckpointRequest {
  location: string;
  kind: CheckpointKind;
  occurredAt: string;
}

export const recordCheckpointSchema = objectOf({ location: id64, kind: enumOf(checkpointKinds), occurredAt: instant }, ['location', 'kind', 'occurredAt']);
export const recordCheckpointRequest = bodyValidator<RecordCheckpointRequest>(recordCheckpointSchema);

export class RecordCheckpointCommand extends OrderCommandMessage<RecordCheckpointRequest> {}

@CommandHandler(RecordCheckpointCommand)
export class RecordCheckpointHandler implements ICommandHandler<RecordCheckpointCommand, CommandAnswer> {
  constructor(private readonly executor: OrderCommandExecutor) {}

  execute({ body, context }: RecordCheckpointCommand): Promise<CommandAnswer> {
    return this.executor.execute({ type: 'RecordCheckpoint', data: body, metadata: commandMetadata(context) }, context);
  }
}
