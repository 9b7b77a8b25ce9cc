import { Inject } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import type { Operation, RpcRequest } from '@stac/contracts';
import { OperationKernel } from './operation-kernel';
import type { RequestContext } from './request-context';

const KERNEL = Symbol('operationKernel');

type Handler<Req, Rep> = (request: Req, ctx: RequestContext) => Promise<Rep> | Rep;

/** Subjects bound in this process, so one operation can never be bound twice by mistake. */
const bound = new Map<string, string>();

/**
 * Binds a controller method to a typed operation: the method receives the validated request and the one
 * `RequestContext`, never the raw message, and must answer the operation's reply type (checked by the
 * compiler). The kernel authenticates, decides, validates and, for `loggedBy: 'kernel'` operations,
 * writes the access-log entry of what the answer discloses before it leaves.
 */
export function Handles<Req extends object, Rep>(op: Operation<Req, Rep>) {
  return <M extends Handler<Req, Rep>>(target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<M>): void => {
    const where = `${target.constructor.name}.${String(key)}`;
    const previous = bound.get(op.subject);
    if (previous && previous !== where) throw new Error(`${op.subject} is bound twice: ${previous} and ${where}`);
    bound.set(op.subject, where);
    // Property injection: the kernel is the controller's dependency without every constructor naming it.
    Inject(OperationKernel)(target, KERNEL);
    const handler = descriptor.value!;
    const admitted = function (this: Record<symbol, OperationKernel>, raw: RpcRequest<unknown>): Promise<Rep> {
      return this[KERNEL].run(op, raw, (request, ctx) => handler.call(this, request, ctx));
    };
    Object.defineProperty(admitted, 'name', { value: String(key) });
    descriptor.value = admitted as unknown as M;
    MessagePattern(op.subject)(target, key, descriptor);
  };
}
