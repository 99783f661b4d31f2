import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';

import { bodyValidator } from '@ordersource/platform';
import { OrderCommandExecutor } from '../order-command.executor';
import { CommandAnswer, OrderCommandMessage, commandMetadata } from '../order-command.message';
import { objectOf } from '../request-fragments';

export type CapturePaymentRequest = Record<string, never>;

export const capturePaymentSchema = objectOf({});
export const capturePaymentRequest = bodyValidator<CapturePaymentRequest>(capturePaymentSchema);

export class CapturePaymentCommand extends OrderCommandMessage<CapturePaymentRequest> {}

@CommandHandler(CapturePaymentCommand)
export class CapturePaymentHandler implements ICommandHandler<CapturePaymentCommand, CommandAnswer> {
  constructor(private readonly executor: OrderCommandExecutor) {}

  execute({ context }: CapturePaymentCommand): Promise<CommandAnswer> {
    return this.executor.execute({ type: 'CapturePayment', data: {}, metadata: commandMetadata(context) }, context);
  }
}
