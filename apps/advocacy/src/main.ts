import './tracing';
import 'reflect-metadata';
import { runDomainService } from '@stac/runtime';
import { ADVOCACY } from './advocacy.module';

void runDomainService(ADVOCACY);
