import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { PaymentMethod, paymentMethods } from '@ordersource/domain';
import { bodyValidator } from '@ordersource/platform';
import { OrderCommandExecutor } from '../order-command.executor';
import { CommandAnswer, OrderCommandMessage, commandMetadata } from '../order-command.message';
import { enumOf, objectOf, text200 } from '../request-fragments';

export interface FailPaymentRequest {
  reason: string;
  method?: PaymentMethod;
}

export const failPaymentSchema = objectOf({ reason: text200, method: enumOf(paymentMethods) }, ['reason']);
export const failPaymentRequest = bodyValidator<FailPaymentRequest>(failPaymentSchema);

export class FailPaymentCommand extends OrderCommandMessage<FailPaymentRequest> {}

@CommandHandler(FailPaymentCommand)
export class FailPaymentHandler implements ICommandHandler<FailPaymentCommand, CommandAnswer> {
  constructor(private readonly executor: OrderCommandExecutor) {}

  execute({ body, context }: FailPaymentCommand): Promise<CommandAnswer> {
    return this.executor.execute({ type: 'FailPayment', data: body, metadata: commandMetadata(context) }, context);
  }
}
