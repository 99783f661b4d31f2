import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { RefundPayment, decide, orderStreamId } from '@ordersource/domain';
import { handleCommand } from '../handle-command';
import { OrderCommandMessage, OrderCommandOptions, OrderCommandResult, commandMetadata, orderResult } from '../order-command';
import { RefundPaymentRequest } from './refund-payment.request';

export class RefundPaymentCommand extends OrderCommandMessage<RefundPaymentRequest> {}

@CommandHandler(RefundPaymentCommand)
export class RefundPaymentHandler implements ICommandHandler<RefundPaymentCommand, OrderCommandResult> {
  constructor(private readonly orders: OrderCommandOptions) {}

  async execute(message: RefundPaymentCommand): Promise<OrderCommandResult> {
    const command: RefundPayment = { type: 'RefundPayment', data: message.body, metadata: commandMetadata(message) };
    const outcome = await handleCommand(this.orders.store, orderStreamId(message.orderId), (state) => decide(command, state), this.orders.for(message, command.type));
    return orderResult(message.orderId, outcome);
  }
}
