import { enumOf, id64, instant, objectOf, placeOrderProperties, placeOrderRequired, positiveMoney, text200, type PlaceOrderFields } from '@ordersource/contracts';
import { checkpointKinds, paymentMethods, type CheckpointKind, type PaymentMethod } from '@ordersource/domain';
import { ProblemError, bodyValidator, type FieldError } from '@ordersource/platform';

/**
 * One line of an import file (API.md "Import of historical orders"): an order as it was placed
 * and the commands that happened to it, each at its own time. The field limits are the command
 * routes' (API.md "Command service"), from the one definition they share (contracts).
 */
export interface ImportLine extends PlaceOrderFields {
  placedAt: string;
  steps: ImportStep[];
}

export type ImportStep =
  | { command: 'authorize'; at: string; amount: number; method: PaymentMethod; paymentId?: string }
  | { command: 'fail-payment'; at: string; reason: string; method?: PaymentMethod }
  | { command: 'capture'; at: string }
  | { command: 'ship'; at: string; carrier: string; trackingNumber: string; warehouse: string }
  /** `occurredAt` is when the scan happened (late scans: before `at`); default `at`. */
  | { command: 'checkpoint'; at: string; location: string; kind: CheckpointKind; occurredAt?: string }
  | { command: 'deliver'; at: string; occurredAt?: string; receivedBy?: string }
  | { command: 'cancel'; at: string; reason: string }
  | { command: 'refund'; at: string; amount: number; reason: string };

export type ImportCommand = ImportStep['command'];

/** At most this many steps per order: far more than any real order has, small enough to bound a line. */
export const MAX_STEPS = 500;

const stepFields: Record<ImportCommand, [Record<string, unknown>, string[]]> = {
  authorize: [{ amount: positiveMoney, method: enumOf(paymentMethods), paymentId: id64 }, ['amount', 'method']],
  'fail-payment': [{ reason: text200, method: enumOf(paymentMethods) }, ['reason']],
  capture: [{}, []],
  ship: [{ carrier: id64, trackingNumber: id64, warehouse: id64 }, ['carrier', 'trackingNumber', 'warehouse']],
  checkpoint: [{ location: id64, kind: enumOf(checkpointKinds), occurredAt: instant }, ['location', 'kind']],
  deliver: [{ occurredAt: instant, receivedBy: text200 }, []],
  cancel: [{ reason: text200 }, ['reason']],
  refund: [{ amount: positiveMoney, reason: text200 }, ['amount', 'reason']],
};
export const importCommands = Object.keys(stepFields) as ImportCommand[];

/**
 * One schema for the whole line, each step checked against its command's fields through the
 * discriminator (only the matching branch runs): the line is trimmed and validated in one pass,
 * where a validator per step copied and checked every step (and its `at`) a second time.
 */
const validateLine = bodyValidator<ImportLine>(
  objectOf(
    {
      ...placeOrderProperties,
      placedAt: instant,
      steps: {
        type: 'array',
        maxItems: MAX_STEPS,
        items: {
          type: 'object',
          required: ['command'],
          properties: { command: { enum: importCommands } },
          discriminator: { propertyName: 'command' },
          oneOf: importCommands.map((command) => {
            const [fields, required] = stepFields[command];
            return objectOf({ command: { const: command }, at: instant, ...fields }, ['command', 'at', ...required]);
          }),
        },
      },
    },
    [...placeOrderRequired, 'placedAt', 'steps'],
  ),
);

/** Why a line was not imported: the rule (the end of a problem `type`) and what broke it. */
export class LineRejection extends Error {
  constructor(
    readonly rule: string,
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'LineRejection';
  }
}

/** Parses and validates one line; throws LineRejection naming the field(s) at fault. */
export function parseImportLine(text: string): ImportLine {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new LineRejection('malformed-json', `The line is not JSON: ${(error as Error).message}`);
  }
  try {
    return validateLine(json);
  } catch (error) {
    if (error instanceof ProblemError) throw new LineRejection(error.rule, describe(error.errors ?? []) || error.detail);
    throw error;
  }
}

function describe(errors: FieldError[]): string {
  return errors.map((error) => `${error.path || '(line)'}: ${error.message}`).join('; ');
}
