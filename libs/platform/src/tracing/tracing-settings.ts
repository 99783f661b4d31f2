/**
 * When tracing is on, from the standard OpenTelemetry variables (API.md "Order numbers, traces,
 * ..."): off unless an OTLP endpoint is set, and off when OTEL_SDK_DISABLED=true or
 * OTEL_TRACES_EXPORTER=none. The SDK reads the rest itself (OTEL_EXPORTER_OTLP_HEADERS and
 * timeouts, OTEL_BSP_*, OTEL_TRACES_SAMPLER).
 */
export interface TracingSettings {
  /** Where spans are sent (OTLP/HTTP, JSON); undefined: tracing off. OTEL_SERVICE_NAME and
   * OTEL_RESOURCE_ATTRIBUTES are read by the adapter's resource detection. */
  tracesUrl?: string;
}

type Env = Record<string, string | undefined>;

export function tracingSettings(env: Env): TracingSettings {
  const off = env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true' || env.OTEL_TRACES_EXPORTER?.trim().toLowerCase() === 'none';
  if (off) return {};
  const traces = nonEmpty(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
  const base = nonEmpty(env.OTEL_EXPORTER_OTLP_ENDPOINT);
  // The spec: the signal variable is used as is; the base gets the signal's path appended.
  const tracesUrl = traces ?? (base && `${base.replace(/\/+$/, '')}/v1/traces`);
  return tracesUrl ? { tracesUrl } : {};
}

function nonEmpty(value: string | undefined): string | undefined {
  return value && value.trim() !== '' ? value.trim() : undefined;
}
