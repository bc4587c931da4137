/**
 * `scripts/samba-ad.sh rights list | remove <name> | restore`: takes one of svc-sspr's delegated rights away, or gives
 * them all back (for checking `npx sspr doctor` by hand; the Samba suites use test/support/sambaRights.ts directly).
 */
import { loadSambaEnv, sambaDir } from '../../test/support/sambaDemo.js';
import { isSambaRight, removeSambaRight, restoreSambaRights, SAMBA_RIGHTS } from '../../test/support/sambaRights.js';

async function main(args: string[]): Promise<void> {
  const env = loadSambaEnv();
  if (!env) throw new Error(`no ${sambaDir()}/sspr.env: run scripts/samba-ad.sh start`);
  const [command, name] = args;
  switch (command) {
    case 'list':
      for (const right of SAMBA_RIGHTS) console.log(right);
      return;
    case 'remove': {
      if (!name || !isSambaRight(name)) throw new Error(`usage: rights remove <${SAMBA_RIGHTS.join('|')}>`);
      const removed = await removeSambaRight(env, name);
      console.log(removed.length > 0 ? removed.map((line) => `removed ${line}`).join('\n') : `${name}: was not there`);
      console.log('give it back with: scripts/samba-ad.sh rights restore');
      return;
    }
    case 'restore': {
      const added = await restoreSambaRights(env);
      console.log(added.length > 0 ? added.map((line) => `restored ${line}`).join('\n') : 'the delegation is complete');
      return;
    }
    default:
      throw new Error('usage: rights list | remove <name> | restore');
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`[samba-ad] ERROR: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
