import type { Logger } from 'pino';
import { OrderExpiryScheduler } from './order-expiry-scheduler';
import type { OrdersService } from './orders.service';

describe('OrderExpiryScheduler', () => {
  it('runs hourly by default, can be switched off, and refuses nonsense', () => {
    expect(OrderExpiryScheduler.intervalMs({})).toBe(3_600_000);
    expect(OrderExpiryScheduler.intervalMs({ ORDER_EXPIRY_SCAN_MINUTES: '0' })).toBe(0);
    expect(OrderExpiryScheduler.intervalMs({ ORDER_EXPIRY_SCAN_MINUTES: '15' })).toBe(900_000);
    expect(() => OrderExpiryScheduler.intervalMs({ ORDER_EXPIRY_SCAN_MINUTES: 'soon' })).toThrow(/ORDER_EXPIRY_SCAN_MINUTES/);
  });

  it('never overlaps two scans, scans as the platform, and a failed scan is logged without its message', async () => {
    let release!: () => void;
    const scans: unknown[] = [];
    const orders = {
      scanExpiring: jest.fn((o: unknown) => {
        scans.push(o);
        return new Promise((r) => (release = () => r({ warned: 1, expired: 0 })));
      }),
    } as unknown as OrdersService;
    const logger = { info: jest.fn(), warn: jest.fn() } as unknown as Logger;
    const s = new OrderExpiryScheduler(orders, logger);
    const first = s.scanOnce();
    await s.scanOnce(); // still running: skipped
    release();
    await first;
    expect(scans).toHaveLength(1);
    expect(scans[0]).toMatchObject({ actor: { subject: 'service:intake', agency: 'police' } });
    expect(logger.info).toHaveBeenCalledWith(expect.objectContaining({ warned: 1 }), 'order expiry scan');

    (orders.scanExpiring as jest.Mock).mockRejectedValueOnce(Object.assign(new Error('SELECT secret FROM x'), { code: '57P01' }));
    await s.scanOnce();
    expect(logger.warn).toHaveBeenCalledWith(expect.objectContaining({ err: { type: 'Error', code: '57P01' } }), 'order expiry scan failed');
    expect(JSON.stringify((logger.warn as jest.Mock).mock.calls)).not.toContain('secret');
  });
});
