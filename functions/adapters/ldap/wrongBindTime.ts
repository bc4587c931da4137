/**
 * How long a DC takes to refuse a wrong password, so a bind of a name that does not exist (bindNobody) can take as
 * long (DESIGN §4: unknown and locked names cost the same directory work, or its time). A DC answers a name it does
 * not hold at once, but for an account it counts the bad password first (a database write; on AD often a trip to the
 * PDC emulator): measured on Samba behind a 30 ms proxy, unknown 147 ms against wrong 213 ms per enroll, enough to
 * tell names apart.
 *
 * Each controller keeps the durations of its last refused user binds, from the bind's start to the DC's answer; a
 * stand-in bind then waits until the median of those has passed. Until a controller has refused a real bind there is
 * nothing to copy and the stand-in answers as fast as the DC does.
 */
const KEPT = 15;

export class WrongBindTimes {
  private readonly recent: number[] = [];

  record(durationMs: number): void {
    if (!Number.isFinite(durationMs) || durationMs < 0) return;
    this.recent.push(durationMs);
    if (this.recent.length > KEPT) this.recent.shift();
  }

  /** The median refused bind, or null before the first. */
  typical(): number | null {
    if (this.recent.length === 0) return null;
    const sorted = [...this.recent].sort((a, b) => a - b);
    const middle = sorted.length >> 1;
    return sorted.length % 2 === 1
      ? (sorted[middle] as number)
      : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  }

  /** Waits until a stand-in bind started at `startedAt` has taken a typical refused bind's time. */
  async padFrom(startedAt: number, now: () => number = Date.now): Promise<void> {
    const typical = this.typical();
    if (typical === null) return;
    const left = startedAt + typical - now();
    if (left > 0) await new Promise((done) => setTimeout(done, left));
  }
}
