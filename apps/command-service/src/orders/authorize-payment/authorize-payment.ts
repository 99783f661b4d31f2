import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { PaymentMethod, paymentMethods } from '@ordersource/domain';
import { bodyValidator } from '@ordersource/platform';
import { OrderCommandExecutor } from '../order-command.executor';
import { CommandAnswer, OrderCommandMessage, commandMetadata } from '../order-command.message';
import { enumOf, id64, objectOf, positiveMoney } from '../request-fragments';

export interface AuthorizePaymentRequest {
  amount: number;
  method: PaymentMethod;
  paymentId?: string;
}

export const authorizePaymentSchema = objectOf({ amount: positiveMoney, method: enumOf(paymentMethods), paymentId: id64 }, ['amount', 'method']);
export const authorizePaymentRequest = bodyValidator<AuthorizePaymentRequest>(authorizePaymentSchema);

export class AuthorizePaymentCommand extends OrderCommandMessage<AuthorizePaymentRequest> {}

@CommandHandler(AuthorizePaymentCommand)
export class AuthorizePaymentHandler implements ICommandHandler<AuthorizePaymentCommand, CommandAnswer> {
  constructor(private readonly executor: OrderCommandExecutor) {}

  execute({ body, context }: AuthorizePaymentCommand): Promise<CommandAnswer> {
    return this.executor.execute({ type: 'AuthorizePayment', data: body, metadata: commandMetadata(context) }, context);
  }
}
