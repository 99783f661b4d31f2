import { loadConfig } from '../config/config';
import { tracingSettings } from './tracing-settings';

describe('tracingSettings (the standard OTEL_* variables)', () => {
  it('is off when no OTLP endpoint is set, as in a default configuration', () => {
    expect(tracingSettings({})).toEqual({});
    expect(loadConfig({}).tracing).toEqual({});
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: '  ', OTEL_SERVICE_NAME: 'shop' })).toEqual({});
  });

  it('sends traces to <endpoint>/v1/traces, or to the traces endpoint as it is', () => {
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toEqual({ tracesUrl: 'http://collector:4318/v1/traces' });
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toEqual({ tracesUrl: 'http://collector:4318/v1/traces' });
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:4318/custom' })).toEqual({ tracesUrl: 'http://b:4318/custom' });
    expect(loadConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:4318/custom' }).tracing).toEqual({ tracesUrl: 'http://b:4318/custom' });
  });

  it('is off with OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none, whatever the endpoint', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    expect(tracingSettings({ ...endpoint, OTEL_SDK_DISABLED: 'true' })).toEqual({});
    expect(tracingSettings({ ...endpoint, OTEL_SDK_DISABLED: 'TRUE' })).toEqual({});
    expect(tracingSettings({ ...endpoint, OTEL_TRACES_EXPORTER: 'none' })).toEqual({});
    expect(tracingSettings({ ...endpoint, OTEL_SDK_DISABLED: 'false', OTEL_TRACES_EXPORTER: 'otlp' })).toEqual({ tracesUrl: 'http://collector:4318/v1/traces' });
  });
});
