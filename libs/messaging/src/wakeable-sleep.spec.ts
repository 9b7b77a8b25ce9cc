import { WakeableSleep } from './wakeable-sleep';

describe('WakeableSleep', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const settled = async (p: Promise<void>) => {
    let done = false;
    void p.then(() => (done = true));
    await Promise.resolve();
    await Promise.resolve();
    return done;
  };

  it('sleeps for the given time when nothing wakes it', async () => {
    const s = new WakeableSleep();
    const p = s.sleep(1_000);
    jest.advanceTimersByTime(999);
    expect(await settled(p)).toBe(false);
    jest.advanceTimersByTime(1);
    expect(await settled(p)).toBe(true);
  });

  it('a wake cuts the sleep short and clears its timer', async () => {
    const s = new WakeableSleep();
    const p = s.sleep(60_000);
    s.wake();
    expect(await settled(p)).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('a wake that arrives before the sleep is not lost, and is used up once', async () => {
    const s = new WakeableSleep();
    s.wake();
    s.wake();
    expect(await settled(s.sleep(60_000))).toBe(true);
    const second = s.sleep(1_000);
    expect(await settled(second)).toBe(false);
    jest.advanceTimersByTime(1_000);
    expect(await settled(second)).toBe(true);
  });

  it('a wake after a sleep timed out is kept for the next sleep', async () => {
    const s = new WakeableSleep();
    const p = s.sleep(10);
    jest.advanceTimersByTime(10);
    expect(await settled(p)).toBe(true);
    s.wake();
    expect(await settled(s.sleep(60_000))).toBe(true);
  });

  it('clear() forgets a wake nobody slept through, so the next sleep waits its time', async () => {
    const s = new WakeableSleep();
    s.wake();
    s.clear();
    const p = s.sleep(1_000);
    expect(await settled(p)).toBe(false);
    jest.advanceTimersByTime(1_000);
    expect(await settled(p)).toBe(true);
  });
});
