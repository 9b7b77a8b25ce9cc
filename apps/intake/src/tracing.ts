// The first import of main.ts: OpenTelemetry must patch http and pg before anything loads them
// (tracing is off unless OTEL_EXPORTER_OTLP_ENDPOINT is set; docs/operations.md "Tracing").
import { startTracing } from '@stac/observability/tracing';

startTracing('intake');
