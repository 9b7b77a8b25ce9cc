import { agreementId } from './default-agreements';

describe('agreementId', () => {
  it('is a stable UUID per agreement code, the same when asked again and different per code', () => {
    const first = agreementId('advocacy-to-police');
    expect(first).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(agreementId('advocacy-to-police')).toBe(first);
    // The id the landed migrations seeded for this code: derived from the code alone.
    expect(first).toBe('37168817-491f-49b0-8a88-a379da121288');
    expect(agreementId('probation-to-police')).not.toBe(first);
  });
});
