export const SERVICE_METRICS = Symbol('ServiceMetrics');
export const LOGGER = Symbol('Logger');
