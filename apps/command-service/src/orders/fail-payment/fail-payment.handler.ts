import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { FailPayment, decide, orderStreamId } from '@ordersource/domain';
import { handleCommand } from '../handle-command';
import { OrderCommandMessage, OrderCommandOptions, OrderCommandResult, commandMetadata, orderResult } from '../order-command';
import { FailPaymentRequest } from './fail-payment.request';

export class FailPaymentCommand extends OrderCommandMessage<FailPaymentRequest> {}

@CommandHandler(FailPaymentCommand)
export class FailPaymentHandler implements ICommandHandler<FailPaymentCommand, OrderCommandResult> {
  constructor(private readonly orders: OrderCommandOptions) {}

  async execute(message: FailPaymentCommand): Promise<OrderCommandResult> {
    const command: FailPayment = { type: 'FailPayment', data: message.body, metadata: commandMetadata(message) };
    const outcome = await handleCommand(this.orders.store, orderStreamId(message.orderId), (state) => decide(command, state), this.orders.for(message, command.type));
    return orderResult(message.orderId, outcome);
  }
}
