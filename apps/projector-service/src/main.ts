import 'reflect-metadata';
import { runService } from '@ordersource/platform';
import { startProjectorService } from './bootstrap';

void runService('projector-service', startProjectorService);
