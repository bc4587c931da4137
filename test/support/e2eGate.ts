/** Browser suites run with SSPR_TEST_E2E (CI sets it after installing Chromium); without it they are skipped, loudly. */
import { it } from 'vitest';

export const E2E_ENABLED = Boolean(process.env.SSPR_TEST_E2E);

export function warnE2eSkipped(suite: string): void {
  if (E2E_ENABLED) return;
  it.skip(`${suite}: SKIPPED — set SSPR_TEST_E2E=1 (needs /usr/bin/chromium: bash scripts/install-chromium.sh)`, () => {});
  console.warn(
    `\n*** ${suite}: SKIPPED (SSPR_TEST_E2E is not set). Run \`bash scripts/install-chromium.sh\` and ` +
      '`SSPR_TEST_E2E=1 npx vitest run test/e2e` to drive the web app in Chromium. ***\n',
  );
}
