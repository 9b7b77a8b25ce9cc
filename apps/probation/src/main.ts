import './tracing';
import 'reflect-metadata';
import { runDomainService } from '@stac/runtime';
import { PROBATION } from './probation.module';

void runDomainService(PROBATION);
