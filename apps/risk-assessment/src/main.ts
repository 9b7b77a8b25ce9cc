import './tracing';
import 'reflect-metadata';
import { runDomainService } from '@stac/runtime';
import { RISK_ASSESSMENT } from './risk-assessment.module';

void runDomainService(RISK_ASSESSMENT);
