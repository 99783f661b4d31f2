import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';

import { bodyValidator } from '@ordersource/platform';
import { OrderCommandExecutor } from '../order-command.executor';
import { CommandAnswer, OrderCommandMessage, commandMetadata } from '../order-command.message';
import { id64, objectOf } from '../request-fragments';

export interface DispatchShipmentRequest {
  carrier: string;
  trackingNumber: string;
  warehouse: string;
}

export const dispatchShipmentSchema = objectOf({ carrier: id64, trackingNumber: id64, warehouse: id64 }, ['carrier', 'trackingNumber', 'warehouse']);
export const dispatchShipmentRequest = bodyValidator<DispatchShipmentRequest>(dispatchShipmentSchema);

export class DispatchShipmentCommand extends OrderCommandMessage<DispatchShipmentRequest> {}

@CommandHandler(DispatchShipmentCommand)
export class DispatchShipmentHandler implements ICommandHandler<DispatchShipmentCommand, CommandAnswer> {
  constructor(private readonly executor: OrderCommandExecutor) {}

  execute({ body, context }: DispatchShipmentCommand): Promise<CommandAnswer> {
    return this.executor.execute({ type: 'DispatchShipment', data: body, metadata: commandMetadata(context) }, context);
  }
}
