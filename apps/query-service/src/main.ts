import 'reflect-metadata';
// Before anything requires pg or mongodb: their OpenTelemetry instrumentations hook the first require (issue 15).
import '@ordersource/platform/instrument-libraries';
import { runService } from '@ordersource/platform';
import { startQueryService } from './bootstrap';

void runService('query-service', startQueryService);
