import { orderCommandTypes } from '../commands';
import { aValidCommand, given, historyIn } from './support/order-fixtures';

describe('an order in REFUNDED', () => {
  const refunded = historyIn.REFUNDED;

  it('rejects placing it again because it already exists', () => {
    given(refunded()).when(aValidCommand.PlaceOrder()).thenThrows('order-already-exists');
  });

  it.each(orderCommandTypes.filter((type) => type !== 'PlaceOrder'))(
    'rejects %s because the order is refunded',
    (type) => {
      given(refunded()).when(aValidCommand[type]()).thenThrows('order-refunded');
    },
  );
});
