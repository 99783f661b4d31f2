export const SERVICE_METRICS = Symbol('ServiceMetrics');
export const LOGGER = Symbol('Logger');
export const TRACER = Symbol('Tracer');
