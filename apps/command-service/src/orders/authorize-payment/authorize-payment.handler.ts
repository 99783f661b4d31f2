import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AuthorizePayment, decide, orderStreamId } from '@ordersource/domain';
import { handleCommand } from '../handle-command';
import { OrderCommandMessage, OrderCommandOptions, OrderCommandResult, commandMetadata, orderResult } from '../order-command';
import { AuthorizePaymentRequest } from './authorize-payment.request';

export class AuthorizePaymentCommand extends OrderCommandMessage<AuthorizePaymentRequest> {}

@CommandHandler(AuthorizePaymentCommand)
export class AuthorizePaymentHandler implements ICommandHandler<AuthorizePaymentCommand, OrderCommandResult> {
  constructor(private readonly orders: OrderCommandOptions) {}

  async execute(message: AuthorizePaymentCommand): Promise<OrderCommandResult> {
    const command: AuthorizePayment = { type: 'AuthorizePayment', data: message.body, metadata: commandMetadata(message) };
    const outcome = await handleCommand(this.orders.store, orderStreamId(message.orderId), (state) => decide(command, state), this.orders.for(message, command.type));
    return orderResult(message.orderId, outcome);
  }
}
