import './tracing';
import 'reflect-metadata';
import { runDomainService } from '@stac/runtime';
import { INTAKE } from './intake.module';

void runDomainService(INTAKE);
