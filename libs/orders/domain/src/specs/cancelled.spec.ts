import { orderCommandTypes } from '../commands';
import {
  aValidCommand,
  given,
  historyIn,
  orderCancelled,
  orderPlaced,
  paymentAuthorized,
  paymentCaptured,
  paymentRefunded,
  total,
} from './support/order-fixtures';

describe('an order in CANCELLED', () => {
  const cancelledHistories = {
    'before payment': historyIn.CANCELLED(),
    'with a voided authorization': [orderPlaced(), paymentAuthorized(), orderCancelled(true)],
    'after payment, refunded in full': [
      orderPlaced(),
      paymentAuthorized(),
      paymentCaptured(),
      orderCancelled(false),
      paymentRefunded(total, true),
    ],
  };

  it('rejects placing it again because it already exists', () => {
    given(historyIn.CANCELLED()).when(aValidCommand.PlaceOrder()).thenThrows('order-already-exists');
  });

  describe.each(Object.entries(cancelledHistories))('cancelled %s', (_how, history) => {
    it.each(orderCommandTypes.filter((type) => type !== 'PlaceOrder'))(
      'rejects %s because the order is cancelled',
      (type) => {
        given(history).when(aValidCommand[type]()).thenThrows('order-cancelled');
      },
    );
  });

});
