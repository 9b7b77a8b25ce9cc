import './tracing';
import 'reflect-metadata';
import { runDomainService } from '@stac/runtime';
import { MENTAL_HEALTH } from './mental-health.module';

void runDomainService(MENTAL_HEALTH);
