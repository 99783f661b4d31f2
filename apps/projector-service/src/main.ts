import 'reflect-metadata';
// Before anything requires pg or mongodb: their OpenTelemetry instrumentations hook the first require (issue 15).
import '@ordersource/platform/instrument-libraries';
import { runService } from '@ordersource/platform';
import { startProjectorService } from './bootstrap';

void runService('projector-service', startProjectorService);
