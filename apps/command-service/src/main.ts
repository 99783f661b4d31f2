import 'reflect-metadata';
import { runService } from '@ordersource/platform';
import { startCommandService } from './bootstrap';

void runService('command-service', startCommandService);
