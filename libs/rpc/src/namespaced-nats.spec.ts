import { NamespacedNatsServer } from './namespaced-nats';

/** The route lookup Nest runs for every message the server receives. */
class RouteProbe extends NamespacedNatsServer {
  route(pattern: string): string {
    return this.getRouteFromPattern(pattern);
  }
}

describe('NamespacedNatsServer routes', () => {
  const server = new RouteProbe({ servers: 'nats://127.0.0.1:4222' }, '');

  it('routes a plain subject to itself without trying it as JSON first (no exception per message)', () => {
    const parse = jest.spyOn(JSON, 'parse');
    try {
      expect(server.route('rpc.intake.person.search')).toBe('rpc.intake.person.search');
      expect(parse).not.toHaveBeenCalled();
    } finally {
      parse.mockRestore();
    }
  });

  it('still reads an object pattern written as JSON, as Nest does', () => {
    expect(server.route('{"cmd":"sum","role":"math"}')).toBe(server.route('{"role":"math","cmd":"sum"}'));
  });
});
