import { bodyValidator } from '@ordersource/platform';
import { id64, objectOf } from '@ordersource/contracts';

export interface DispatchShipmentRequest {
  carrier: string;
  trackingNumber: string;
  warehouse: string;
}

export const dispatchShipmentSchema = objectOf({ carrier: id64, trackingNumber: id64, warehouse: id64 }, ['carrier', 'trackingNumber', 'warehouse']);
export const dispatchShipmentRequest = bodyValidator<DispatchShipmentRequest>(dispatchShipmentSchema);
