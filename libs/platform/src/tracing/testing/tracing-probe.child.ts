/**
 * Starts a service's tracing from this process's environment, as every service does
 * (loadConfig -> startTracing), and prints which OpenTelemetry packages that loaded: with OTEL_*
 * unset, none (the logger's mixin reads the API, which is not loaded here).
 */
import { loadConfig } from '../../config/config';
import { startTracing } from '../otel-tracer';

void (async () => {
  const tracing = await startTracing('probe-service', loadConfig(process.env).tracing);
  const loaded = [...new Set(Object.keys(require.cache).flatMap((path) => /node_modules\/(@opentelemetry\/[^/]+)\//.exec(path)?.[1] ?? []))].sort();
  console.log(JSON.stringify({ enabled: tracing.tracer.enabled, loaded }));
  await tracing.shutdown();
})();
