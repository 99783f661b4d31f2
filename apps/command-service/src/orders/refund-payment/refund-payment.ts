import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';

import { bodyValidator } from '@ordersource/platform';
import { OrderCommandExecutor } from '../order-command.executor';
import { CommandAnswer, OrderCommandMessage, commandMetadata } from '../order-command.message';
import { objectOf, positiveMoney, text200 } from '../request-fragments';

export interface RefundPaymentRequest {
  amount: number;
  reason: string;
}

export const refundPaymentSchema = objectOf({ amount: positiveMoney, reason: text200 }, ['amount', 'reason']);
export const refundPaymentRequest = bodyValidator<RefundPaymentRequest>(refundPaymentSchema);

export class RefundPaymentCommand extends OrderCommandMessage<RefundPaymentRequest> {}

@CommandHandler(RefundPaymentCommand)
export class RefundPaymentHandler implements ICommandHandler<RefundPaymentCommand, CommandAnswer> {
  constructor(private readonly executor: OrderCommandExecutor) {}

  execute({ body, context }: RefundPaymentCommand): Promise<CommandAnswer> {
    return this.executor.execute({ type: 'RefundPayment', data: body, metadata: commandMetadata(context) }, context);
  }
}
