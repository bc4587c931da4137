/** Samba suites run with SSPR_TEST_AD (CI sets it after starting Samba); without it they are skipped, loudly. */
import { it } from 'vitest';

export const SAMBA_ENABLED = Boolean(process.env.SSPR_TEST_AD);

export function warnSambaSkipped(suite: string): void {
  if (SAMBA_ENABLED) return;
  it.skip(`${suite}: SKIPPED — set SSPR_TEST_AD=1 after \`bash scripts/samba-ad.sh start\` to run it`, () => {});
  console.warn(
    `\n*** ${suite}: SKIPPED (SSPR_TEST_AD is not set). Run \`bash scripts/samba-ad.sh start\` and ` +
      '`SSPR_TEST_AD=1 npm test` to run the Samba AD suites. ***\n',
  );
}
