import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CancelOrder, decide, orderStreamId } from '@ordersource/domain';
import { handleCommand } from '../handle-command';
import { OrderCommandMessage, OrderCommandOptions, OrderCommandResult, commandMetadata, orderResult } from '../order-command';
import { CancelOrderRequest } from './cancel-order.request';

export class CancelOrderCommand extends OrderCommandMessage<CancelOrderRequest> {}

@CommandHandler(CancelOrderCommand)
export class CancelOrderHandler implements ICommandHandler<CancelOrderCommand, OrderCommandResult> {
  constructor(private readonly orders: OrderCommandOptions) {}

  async execute(message: CancelOrderCommand): Promise<OrderCommandResult> {
    const command: CancelOrder = { type: 'CancelOrder', data: message.body, metadata: commandMetadata(message) };
    const outcome = await handleCommand(this.orders.store, orderStreamId(message.orderId), (state) => decide(command, state), this.orders.for(message, command.type));
    return orderResult(message.orderId, outcome);
  }
}
