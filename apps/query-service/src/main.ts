import 'reflect-metadata';
import { runService } from '@ordersource/platform';
import { startQueryService } from './bootstrap';

void runService('query-service', startQueryService);
