import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // expect.poll waits on what a page or a stack does: an enroll hashes three answers, 0.25 s each on a quiet day and
    // 0.65 s on a slow one (measured), so vitest's default of 1 s failed the browser tests on a slow machine.
    expect: { poll: { timeout: 15_000 } },
    // Development runs on Node 20 with SDK versions pinned in the lockfile; Lambdas run Node 22+.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    projects: [
      {
        extends: true,
        test: {
          name: 'main',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/**/*.samba.test.ts'],
        },
      },
      {
        // One Samba DC is shared by every suite that touches it (lockouts, badPwdCount, demo states): its files run
        // one at a time, after the others.
        extends: true,
        test: {
          name: 'samba',
          include: ['test/**/*.samba.test.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
