import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';

import { bodyValidator } from '@ordersource/platform';
import { OrderCommandExecutor } from '../order-command.executor';
import { CommandAnswer, OrderCommandMessage, commandMetadata } from '../order-command.message';
import { instant, objectOf, text200 } from '../request-fragments';

export interface DeliverOrderRequest {
  occurredAt?: string;
  receivedBy?: string;
}

export const deliverOrderSchema = objectOf({ occurredAt: instant, receivedBy: text200 });
export const deliverOrderRequest = bodyValidator<DeliverOrderRequest>(deliverOrderSchema);

export class DeliverOrderCommand extends OrderCommandMessage<DeliverOrderRequest> {}

@CommandHandler(DeliverOrderCommand)
export class DeliverOrderHandler implements ICommandHandler<DeliverOrderCommand, CommandAnswer> {
  constructor(private readonly executor: OrderCommandExecutor) {}

  execute({ body, context }: DeliverOrderCommand): Promise<CommandAnswer> {
    return this.executor.execute({ type: 'DeliverOrder', data: body, metadata: commandMetadata(context) }, context);
  }
}
