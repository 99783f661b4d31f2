/**
 * `npm run forget -- <customerId>`: crypto-shreds a customer's personal data (issue 3), like
 * `POST /admin/customers/{customerId}/forget`. Uses DATABASE_URL and ORDERSOURCE_MASTER_KEY,
 * or, beside `npm start`, its data directory.
 */
import { runForgetCli } from '@ordersource/personal-data';
import { localEnvironment } from '../start/local-environment';

runForgetCli(process.argv.slice(2), localEnvironment()).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
