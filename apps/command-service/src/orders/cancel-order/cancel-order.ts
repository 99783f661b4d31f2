import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';

import { bodyValidator } from '@ordersource/platform';
import { OrderCommandExecutor } from '../order-command.executor';
import { CommandAnswer, OrderCommandMessage, commandMetadata } from '../order-command.message';
import { objectOf, text200 } from '../request-fragments';

export interface CancelOrderRequest {
  reason: string;
}

export const cancelOrderSchema = objectOf({ reason: text200 }, ['reason']);
export const cancelOrderRequest = bodyValidator<CancelOrderRequest>(cancelOrderSchema);

export class CancelOrderCommand extends OrderCommandMessage<CancelOrderRequest> {}

@CommandHandler(CancelOrderCommand)
export class CancelOrderHandler implements ICommandHandler<CancelOrderCommand, CommandAnswer> {
  constructor(private readonly executor: OrderCommandExecutor) {}

  execute({ body, context }: CancelOrderCommand): Promise<CommandAnswer> {
    return this.executor.execute({ type: 'CancelOrder', data: body, metadata: commandMetadata(context) }, context);
  }
}
