export const CUSTOMER_FORGETTER = Symbol('CustomerForgetter');

export interface CustomerForgetter {
  forgetCustomer(customerId: string): Promise<{ customerId: string; erasedAt: string }>;
}
