import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DEFAULT_CHANNEL, OrderState, PlaceOrder, decide, isPlaced, nextOrderNumber, orderStreamId } from '@ordersource/domain';
import { JsonObject, NamedSequences } from '@ordersource/event-store';
import { problems } from '@ordersource/platform';
import canonicalize from 'canonicalize';
import { handleCommand } from '../handle-command';
import { OrderCommandMessage, OrderCommandOptions, OrderCommandResult, commandMetadata, orderResult } from '../order-command';
import { NAMED_SEQUENCES } from '../ports';
import { PlaceOrderRequest } from './place-order.request';

export class PlaceOrderCommand extends OrderCommandMessage<PlaceOrderRequest> {}

/** The order exists already: a client retrying `POST /orders` with its own orderId, or a clash. */
class OrderAlreadyPlaced extends Error {}

@CommandHandler(PlaceOrderCommand)
export class PlaceOrderHandler implements ICommandHandler<PlaceOrderCommand, OrderCommandResult> {
  constructor(
    private readonly orders: OrderCommandOptions,
    @Inject(NAMED_SEQUENCES) private readonly sequences: NamedSequences,
  ) {}

  async execute(message: PlaceOrderCommand): Promise<OrderCommandResult> {
    const { customerId, currency, items, shippingAddress, channel = DEFAULT_CHANNEL } = message.body;
    // Drawn before the append (a sequence never rolls back): a placement that fails, or finds its
    // order already placed, leaves a gap, never a number used twice.
    const orderNumber = await nextOrderNumber(this.sequences, message.context.now);
    const command: PlaceOrder = {
      type: 'PlaceOrder',
      data: { customerId, currency, items, shippingAddress, channel, orderNumber },
      metadata: commandMetadata(message),
    };
    const place = (state: OrderState) => {
      if (isPlaced(state)) throw new OrderAlreadyPlaced();
      return decide(command, state);
    };
    try {
      // A new order's stream almost never exists: append without reading it first, and read
      // only when that append finds the order there. If-Match has no say in placing an order.
      const base = this.orders.for(message, command);
      const stored = base.idempotency;
      const idempotency = stored && { ...stored, result: (handled: Parameters<typeof stored.result>[0]) => ({ ...(stored.result(handled) as JsonObject), orderNumber }) };
      const options = { ...base, idempotency, expectNewStream: true, expectedVersion: undefined };
      const outcome = await handleCommand(this.orders.store, orderStreamId(message.orderId), place, options);
      // A repeat found by the append answers with its first result, number included.
      return outcome.kind === 'repeated' ? orderResult(message.orderId, outcome) : { ...orderResult(message.orderId, outcome), orderNumber };
    } catch (error) {
      if (error instanceof OrderAlreadyPlaced) return this.placeAgain(command, message.orderId);
      throw error;
    }
  }

  /**
   * A client retrying `POST /orders` with its own orderId: the same order answers like the first
   * call, with its first number. "The same" is decided on the stored event itself (opened), so
   * no fingerprint of the body's personal data is ever kept in the log. The channel counts (an
   * order placed before v2 was placed on the web); the number drawn for the retry does not.
   */
  private async placeAgain(command: PlaceOrder, orderId: string): Promise<OrderCommandResult> {
    const [placed] = await this.orders.store.readStream(orderStreamId(orderId), { toVersion: 1 });
    const { customerId, currency, items, shippingAddress, channel, orderNumber } = await this.orders.openEventData(placed);
    const { orderNumber: _drawn, ...asked } = command.data;
    if (canonicalize({ customerId, currency, items, shippingAddress, channel }) !== canonicalize(asked)) {
      throw problems.conflict('order-already-exists', `Order ${orderId} already exists with another body.`);
    }
    return { orderId, version: placed.version, position: placed.position, status: 'PLACED', ...(typeof orderNumber === 'string' ? { orderNumber } : {}) };
  }
}
