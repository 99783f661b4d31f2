import { bodyValidator } from '@ordersource/platform';
import { objectOf } from '@ordersource/contracts';

export type CapturePaymentRequest = Record<string, never>;

export const capturePaymentSchema = objectOf({});
export const capturePaymentRequest = bodyValidator<CapturePaymentRequest>(capturePaymentSchema);
