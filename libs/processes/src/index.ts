export {
  PAYMENT_DEADLINE_SUBSCRIPTION,
  PAYMENT_TIMEOUT_ACTOR,
  PAYMENT_TIMEOUT_REASON,
  PaymentDeadlineProcess,
  type CancelOutcome,
  type DeadlineCommands,
  type PaymentDeadlineOptions,
} from './payment-deadline/payment-deadline-process';
export { PaymentDeadlines1799130000100, processMigrations } from './payment-deadline/payment-deadlines.migration';
