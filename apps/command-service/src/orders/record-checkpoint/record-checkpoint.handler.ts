import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { RecordCheckpoint, decide, orderStreamId } from '@ordersource/domain';
import { handleCommand } from '../handle-command';
import { OrderCommandMessage, OrderCommandOptions, OrderCommandResult, commandMetadata, orderResult } from '../order-command';
import { RecordCheckpointRequest } from './record-checkpoint.request';

export class RecordCheckpointCommand extends OrderCommandMessage<RecordCheckpointRequest> {}

@CommandHandler(RecordCheckpointCommand)
export class RecordCheckpointHandler implements ICommandHandler<RecordCheckpointCommand, OrderCommandResult> {
  constructor(private readonly orders: OrderCommandOptions) {}

  async execute(message: RecordCheckpointCommand): Promise<OrderCommandResult> {
    const command: RecordCheckpoint = { type: 'RecordCheckpoint', data: message.body, metadata: commandMetadata(message) };
    const outcome = await handleCommand(this.orders.store, orderStreamId(message.orderId), (state) => decide(command, state), this.orders.for(message, command.type));
    return orderResult(message.orderId, outcome);
  }
}
