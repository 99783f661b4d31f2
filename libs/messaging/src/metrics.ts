/**
 * Prometheus metrics of the relay and the subscriptions. One set per Registry: a service that
 * starts several subscriptions (or a relay and subscriptions) shares it, told apart by label.
 */
import { Counter, Gauge, Registry } from 'prom-client';

export interface MessagingMetrics {
  relayLagEvents: Gauge;
  relayLagSeconds: Gauge;
  relayPublished: Counter;
  relayBlocked: Gauge;
  subscriptionLagEvents: Gauge<'subscription'>;
  subscriptionLagSeconds: Gauge<'subscription'>;
  subscriptionEvents: Counter<'subscription'>;
  parkedOrders: Gauge<'subscription'>;
  parkedEvents: Counter<'subscription'>;
}

const perRegistry = new WeakMap<Registry, MessagingMetrics>();

export function messagingMetrics(registry: Registry = new Registry()): MessagingMetrics {
  const existing = perRegistry.get(registry);
  if (existing) return existing;
  const registers = [registry];
  const subscription = ['subscription'] as const;
  const metrics: MessagingMetrics = {
    relayLagEvents: new Gauge({ name: 'ordersource_relay_lag_events', help: 'Events in the log not yet published to Kafka (approximate)', registers }),
    relayLagSeconds: new Gauge({ name: 'ordersource_relay_lag_seconds', help: 'Age of the oldest event not yet published', registers }),
    relayBlocked: new Gauge({ name: 'ordersource_relay_blocked', help: '1 while the relay holds at an event larger than the topic accepts (max.message.bytes), else 0', registers }),
    relayPublished: new Counter({ name: 'ordersource_relay_published_events_total', help: 'Events the relay published and Kafka acknowledged', registers }),
    subscriptionLagEvents: new Gauge({ name: 'ordersource_subscription_lag_events', help: 'Events not yet handled by the subscription (approximate)', labelNames: subscription, registers }),
    subscriptionLagSeconds: new Gauge({ name: 'ordersource_subscription_lag_seconds', help: 'Age of the last handled event while behind, 0 when caught up', labelNames: subscription, registers }),
    subscriptionEvents: new Counter({ name: 'ordersource_subscription_events_total', help: 'Events handled (or parked) by the subscription', labelNames: subscription, registers }),
    parkedOrders: new Gauge({ name: 'ordersource_subscription_parked_orders', help: 'Orders whose events are parked after a handler failure', labelNames: subscription, registers }),
    parkedEvents: new Counter({ name: 'ordersource_subscription_parked_events_total', help: 'Events parked, failed or waiting behind a failed one', labelNames: subscription, registers }),
  };
  perRegistry.set(registry, metrics);
  return metrics;
}
