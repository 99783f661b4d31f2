import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CapturePayment, decide, orderStreamId } from '@ordersource/domain';
import { handleCommand } from '../handle-command';
import { OrderCommandMessage, OrderCommandOptions, OrderCommandResult, commandMetadata, orderResult } from '../order-command';
import { CapturePaymentRequest } from './capture-payment.request';

export class CapturePaymentCommand extends OrderCommandMessage<CapturePaymentRequest> {}

@CommandHandler(CapturePaymentCommand)
export class CapturePaymentHandler implements ICommandHandler<CapturePaymentCommand, OrderCommandResult> {
  constructor(private readonly orders: OrderCommandOptions) {}

  async execute(message: CapturePaymentCommand): Promise<OrderCommandResult> {
    const command: CapturePayment = { type: 'CapturePayment', data: {}, metadata: commandMetadata(message) };
    const outcome = await handleCommand(this.orders.store, orderStreamId(message.orderId), (state) => decide(command, state), this.orders.for(message, command.type));
    return orderResult(message.orderId, outcome);
  }
}
