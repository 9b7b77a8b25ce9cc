import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

/** Rewrites OpenAPI 3.0 `nullable: true` (which 3.1 no longer has) into a 3.1 type union, everywhere. */
function toOpenApi31(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toOpenApi31);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = toOpenApi31(v);
  if (out.nullable === true) {
    delete out.nullable;
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else if (out.$ref || out.allOf || out.oneOf) {
      const { description, ...rest } = out;
      return { ...(description ? { description } : {}), oneOf: [rest.allOf ? { allOf: rest.allOf } : rest.oneOf ? { oneOf: rest.oneOf } : { $ref: rest.$ref }, { type: 'null' }] };
    }
  }
  return out;
}

/** Probes and metrics come from the shared observability module, which knows nothing of OpenAPI. */
const OPERATIONAL_SUMMARIES: Record<string, string> = {
  '/health/live': 'Liveness: the process answers',
  '/health/ready': 'Readiness: the bus answers a round trip',
  '/metrics': 'Prometheus metrics',
};

/** The API description the gateway serves at /docs and `pnpm run docs` commits as docs/openapi.json. */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('S-TAC platform API')
    .setDescription(
      'Unified API of the Stalking Threat Assessment Centre platform. Errors are RFC 9457 problem+json with a stable `code`. ' +
        'Routes are generated from the operation declarations in libs/contracts; the domain events are described in AsyncAPI at /docs/asyncapi.json.',
    )
    .setVersion('1')
    .setOpenAPIVersion('3.1.0')
    .setLicense('Apache-2.0', 'https://www.apache.org/licenses/LICENSE-2.0')
    .addServer('http://127.0.0.1:3000', 'Local stack (pnpm start)')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
    .addSecurityRequirements('bearer')
    .build();
  const doc = toOpenApi31(SwaggerModule.createDocument(app, config)) as OpenAPIObject;
  for (const [path, summary] of Object.entries(OPERATIONAL_SUMMARIES)) {
    const get = doc.paths[path]?.get;
    if (get && !get.summary) Object.assign(get, { summary, tags: ['operations'], security: [] });
  }
  return doc;
}
