import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { OrderState, PlaceOrder, decide, isPlaced, orderStreamId } from '@ordersource/domain';
import { problems } from '@ordersource/platform';
import canonicalize from 'canonicalize';
import { handleCommand } from '../handle-command';
import { OrderCommandMessage, OrderCommandOptions, OrderCommandResult, commandMetadata, orderResult } from '../order-command';
import { PlaceOrderRequest } from './place-order.request';

export class PlaceOrderCommand extends OrderCommandMessage<PlaceOrderRequest> {}

/** The order exists already: a client retrying `POST /orders` with its own orderId, or a clash. */
class OrderAlreadyPlaced extends Error {}

@CommandHandler(PlaceOrderCommand)
export class PlaceOrderHandler implements ICommandHandler<PlaceOrderCommand, OrderCommandResult> {
  constructor(private readonly orders: OrderCommandOptions) {}

  async execute(message: PlaceOrderCommand): Promise<OrderCommandResult> {
    const { customerId, currency, items, shippingAddress } = message.body;
    const command: PlaceOrder = { type: 'PlaceOrder', data: { customerId, currency, items, shippingAddress }, metadata: commandMetadata(message) };
    const place = (state: OrderState) => {
      if (isPlaced(state)) throw new OrderAlreadyPlaced();
      return decide(command, state);
    };
    try {
      // A new order's stream almost never exists: append without reading it first, and read
      // only when that append finds the order there. If-Match has no say in placing an order.
      const options = { ...this.orders.for(message, command.type), expectNewStream: true, expectedVersion: undefined };
      return orderResult(message.orderId, await handleCommand(this.orders.store, orderStreamId(message.orderId), place, options));
    } catch (error) {
      if (error instanceof OrderAlreadyPlaced) return this.placeAgain(command, message.orderId);
      throw error;
    }
  }

  /**
   * A client retrying `POST /orders` with its own orderId: the same order answers like the first
   * call. "The same" is decided on the stored event itself (opened), so no fingerprint of the
   * body's personal data is ever kept in the log.
   */
  private async placeAgain(command: PlaceOrder, orderId: string): Promise<OrderCommandResult> {
    const [placed] = await this.orders.store.readStream(orderStreamId(orderId), { toVersion: 1 });
    const { customerId, currency, items, shippingAddress } = await this.orders.openEventData(placed);
    if (canonicalize({ customerId, currency, items, shippingAddress }) !== canonicalize(command.data)) {
      throw problems.conflict('order-already-exists', `Order ${orderId} already exists with another body.`);
    }
    return { orderId, version: placed.version, position: placed.position, status: 'PLACED' };
  }
}
