import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_METRICS, ServiceMetrics, counter, histogram } from '@ordersource/platform';

/** Prometheus: commands by type and outcome, their latency, and concurrency retries (issue 4). */
@Injectable()
export class CommandMetrics {
  readonly commands;
  readonly latency;
  readonly retries;

  constructor(@Inject(SERVICE_METRICS) metrics: ServiceMetrics) {
    this.commands = counter(metrics, 'ordersource_commands_total', 'Commands handled, by type and outcome (HTTP status)', ['command', 'outcome']);
    this.latency = histogram(metrics, 'ordersource_command_duration_seconds', 'Command handling latency', ['command'], [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]);
    this.retries = counter(metrics, 'ordersource_command_concurrency_retries_total', 'Commands retried after losing an optimistic-concurrency race', ['command']);
  }
}
