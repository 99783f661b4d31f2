import type { AlertRule } from '../alert';
import type { IntegritySignal, ProjectionSignals, VolumeForecast } from '../signals.port';

export function projectionLaggingRule(projections: ProjectionSignals, maxLagSeconds: number): AlertRule {
  return {
    name: 'projection-lagging',
    severity: 'warning',
    async evaluate() {
      return (await projections.projections())
        .filter((projection) => projection.status === 'stalled' || projection.lagSeconds > maxLagSeconds)
        .map((projection) => ({
          subject: projection.name,
          summary:
            projection.status === 'stalled'
              ? `Projection ${projection.name} is stalled.`
              : `Projection ${projection.name} is ${Math.round(projection.lagSeconds)} s behind the log.`,
          value: projection.lagSeconds,
          threshold: maxLagSeconds,
        }));
    },
  };
}

export function eventsParkedRule(projections: ProjectionSignals): AlertRule {
  return {
    name: 'events-parked',
    severity: 'warning',
    async evaluate() {
      return [...(await projections.parkedEvents())]
        .filter(([, count]) => count > 0)
        .map(([name, count]) => ({ subject: name, summary: `Projection ${name} holds ${count} parked event(s).`, value: count, threshold: 0 }));
    },
  };
}

/**
 * The periodic integrity check is expensive (it reads the whole log), so it runs every
 * `intervalMs` and the rule repeats its last verdict in between.
 */
export function integrityBrokenRule(integrity: IntegritySignal, intervalMs: number): AlertRule {
  let checkedAt = Number.NEGATIVE_INFINITY;
  let broken: string | null = null;
  return {
    name: 'integrity-broken',
    severity: 'critical',
    async evaluate(now) {
      if (now.getTime() - checkedAt >= intervalMs) {
        broken = await integrity.firstBrokenOrder();
        checkedAt = now.getTime();
      }
      return broken === null ? [] : [{ subject: broken, summary: `The hash chain of order ${broken} is broken.` }];
    },
  };
}

export function orderVolumeAnomalyRule(forecast: VolumeForecast): AlertRule {
  return {
    name: 'order-volume-anomaly',
    severity: 'warning',
    async evaluate(now) {
      const hour = await forecast.lastCompleteHour(now);
      if (!hour || (hour.actual >= hour.lower95 && hour.actual <= hour.upper95)) return [];
      const direction = hour.actual > hour.upper95 ? 'above' : 'below';
      return [
        {
          subject: 'placed',
          summary: `${hour.actual} orders were placed in the hour from ${hour.hour}, ${direction} the forecast's 95% band [${hour.lower95.toFixed(1)}, ${hour.upper95.toFixed(1)}] (expected ${hour.expected.toFixed(1)}).`,
          value: hour.actual,
          threshold: direction === 'above' ? hour.upper95 : hour.lower95,
        },
      ];
    },
  };
}
