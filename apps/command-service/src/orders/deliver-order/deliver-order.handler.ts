import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DeliverOrder, decide, orderStreamId } from '@ordersource/domain';
import { handleCommand } from '../handle-command';
import { OrderCommandMessage, OrderCommandOptions, OrderCommandResult, commandMetadata, orderResult } from '../order-command';
import { DeliverOrderRequest } from './deliver-order.request';

export class DeliverOrderCommand extends OrderCommandMessage<DeliverOrderRequest> {}

@CommandHandler(DeliverOrderCommand)
export class DeliverOrderHandler implements ICommandHandler<DeliverOrderCommand, OrderCommandResult> {
  constructor(private readonly orders: OrderCommandOptions) {}

  async execute(message: DeliverOrderCommand): Promise<OrderCommandResult> {
    const command: DeliverOrder = { type: 'DeliverOrder', data: message.body, metadata: commandMetadata(message) };
    const outcome = await handleCommand(this.orders.store, orderStreamId(message.orderId), (state) => decide(command, state), this.orders.for(message, command.type));
    return orderResult(message.orderId, outcome);
  }
}
