import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DispatchShipment, decide, orderStreamId } from '@ordersource/domain';
import { handleCommand } from '../handle-command';
import { OrderCommandMessage, OrderCommandOptions, OrderCommandResult, commandMetadata, orderResult } from '../order-command';
import { DispatchShipmentRequest } from './dispatch-shipment.request';

export class DispatchShipmentCommand extends OrderCommandMessage<DispatchShipmentRequest> {}

@CommandHandler(DispatchShipmentCommand)
export class DispatchShipmentHandler implements ICommandHandler<DispatchShipmentCommand, OrderCommandResult> {
  constructor(private readonly orders: OrderCommandOptions) {}

  async execute(message: DispatchShipmentCommand): Promise<OrderCommandResult> {
    const command: DispatchShipment = { type: 'DispatchShipment', data: message.body, metadata: commandMetadata(message) };
    const outcome = await handleCommand(this.orders.store, orderStreamId(message.orderId), (state) => decide(command, state), this.orders.for(message, command.type));
    return orderResult(message.orderId, outcome);
  }
}
