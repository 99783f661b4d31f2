import { Injectable } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { OrderReverted, RevertOrder, decide, orderStreamId } from '@ordersource/domain';
import { JsonObject } from '@ordersource/event-store';
import { orderStateAt } from '@ordersource/read-models';
import { handleCommand, previewCommand } from '../handle-command';
import { OrderCommandMessage, OrderCommandOptions, OrderCommandResult, commandMetadata, orderResult } from '../order-command';
import { RevertOrderRequest } from './revert-order.request';

export class RevertOrderCommand extends OrderCommandMessage<Omit<RevertOrderRequest, 'dryRun'>> {}

export function revertCommand(message: RevertOrderCommand): RevertOrder {
  return { type: 'RevertOrder', data: { toVersion: message.body.toVersion, reason: message.body.reason }, metadata: commandMetadata(message) };
}

@CommandHandler(RevertOrderCommand)
export class RevertOrderHandler implements ICommandHandler<RevertOrderCommand, OrderCommandResult> {
  constructor(private readonly orders: OrderCommandOptions) {}

  async execute(message: RevertOrderCommand): Promise<OrderCommandResult> {
    const command = revertCommand(message);
    const outcome = await handleCommand(this.orders.store, orderStreamId(message.orderId), (state) => decide(command, state), this.orders.for(message, command));
    return orderResult(message.orderId, outcome);
  }
}

/** What a dry run answers (API.md "Corrections"): the tracking view before and after. */
export interface RevertPreview {
  orderId: string;
  fromVersion: number;
  toVersion: number;
  voided: { version: number; type: string }[];
  before: JsonObject;
  after: JsonObject;
}

/**
 * A revert's dry run: decided exactly as the command (same guard, If-Match and rules), and the
 * tracking view folded in memory by the view's own code (time travel's), before and after the
 * OrderReverted it would append. Nothing is written, not even an idempotency record.
 */
@Injectable()
export class RevertPreviewer {
  constructor(private readonly orders: OrderCommandOptions) {}

  async preview(message: RevertOrderCommand): Promise<RevertPreview> {
    const command = revertCommand(message);
    const { history, version, events } = await previewCommand(this.orders.store, orderStreamId(message.orderId), (state) => decide(command, state), this.orders.for(message, command));
    const reverted = events[0] as OrderReverted;
    const typeOf = new Map(history.map((event) => [event.version, event.type]));
    const wouldAppend = { type: reverted.type, version: version + 1, occurredAt: reverted.occurredAt, data: reverted.data as unknown as JsonObject, orderId: message.orderId };
    return {
      orderId: message.orderId,
      fromVersion: version,
      toVersion: reverted.data.toVersion,
      voided: reverted.data.voidedVersions.map((voided) => ({ version: voided, type: typeOf.get(voided) as string })),
      before: orderStateAt(history) as unknown as JsonObject,
      after: orderStateAt([...history, wouldAppend]) as unknown as JsonObject,
    };
  }
}
