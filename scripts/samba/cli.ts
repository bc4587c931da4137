/**
 * The LDAP side of scripts/samba-ad.sh: seeds the demo directory and re-applies its states, using the one definition
 * in test/support/sambaDemo.ts. Run by the script (tsx); needs a running Samba and <dir>/sspr.env.
 *
 *   tsx scripts/samba/cli.ts start-states | apply-states   seed what is missing, states, peggy, lock ivan, check svc-sspr
 *   tsx scripts/samba/cli.ts lock <sam> | unlock <sam>
 */
import {
  applySambaDemoStates,
  badBindsUntilLocked,
  loadSambaEnv,
  restorePasswordExpired,
  SAMBA_DEMO_USERS,
  sambaDir,
  seedSambaDemo,
  unlock,
  verifyServiceAccount,
} from '../../test/support/sambaDemo.js';

// Aligned with the shell script's clock when it passes its start time (ns).
const t0 = process.env.SAMBA_AD_T0 ? Number(BigInt(process.env.SAMBA_AD_T0) / 1_000_000n) : Date.now();
const log = (line: string) => console.log(`[samba-ad ${((Date.now() - t0) / 1000).toFixed(2).padStart(6)}s] ${line}`);

async function main(args: string[]): Promise<void> {
  const env = loadSambaEnv();
  if (!env) throw new Error(`no ${sambaDir()}/sspr.env: run scripts/samba-ad.sh start`);
  const [command, sam] = args;
  switch (command) {
    case 'start-states':
    case 'apply-states': {
      const created = await seedSambaDemo(env);
      for (const line of created) log(`seed: ${line}`);
      log(created.length > 0 ? `seeded (${created.length} changes)` : 'demo directory present');
      await applySambaDemoStates(env, { lockIvan: false, restorePasswordExpired: false });
      log(`demo states applied to ${SAMBA_DEMO_USERS.length} users`);
      await restorePasswordExpired(env);
      log('peggy: password back-dated (expired)');
      const locked = SAMBA_DEMO_USERS.filter((u) => u.state === 'locked');
      for (const user of locked) log(`${user.sam}: locked after ${await badBindsUntilLocked(env, user.sam)} bad binds`);
      const check = await verifyServiceAccount(env);
      log(
        `svc-sspr check ok: reads alice (${check.aliceAttributes.length} attributes, ${check.aliceTokenGroups} tokenGroups), ` +
          `the PSO (min length ${check.paulaPso['msDS-MinimumPasswordLength']}), frank's DACL; ${check.outsideDelegation}`,
      );
      return;
    }
    case 'lock':
    case 'unlock': {
      if (!sam) throw new Error(`usage: ${command} <sAMAccountName>`);
      if (command === 'lock') log(`${sam}: locked after ${await badBindsUntilLocked(env, sam)} bad binds`);
      else {
        await unlock(env, sam);
        log(`${sam}: unlocked`);
      }
      return;
    }
    default:
      throw new Error('usage: cli.ts start-states | apply-states | lock <sam> | unlock <sam>');
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`[samba-ad] ERROR: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
