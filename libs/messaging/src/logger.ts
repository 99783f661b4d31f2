/** The slice of pino's API the messaging code uses, so any pino logger (or a child) fits. */
export interface MessagingLogger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export const silentLogger: MessagingLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

export function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
