/** A sleep that another event (a NOTIFY, a stop) can cut short; a wake that arrives early is not lost. */
export class WakeableSleep {
  private pending = false;
  private resolve?: () => void;
  private timer?: NodeJS.Timeout;

  wake(): void {
    if (this.resolve) {
      clearTimeout(this.timer);
      const r = this.resolve;
      this.resolve = undefined;
      r();
    } else {
      this.pending = true;
    }
  }

  /** Forgets a wake that arrived while nobody slept. */
  clear(): void {
    this.pending = false;
  }

  sleep(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((r) => {
      this.resolve = r;
      this.timer = setTimeout(() => {
        this.resolve = undefined;
        r();
      }, ms);
    });
  }
}
