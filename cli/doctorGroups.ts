/**
 * `sspr doctor`'s check of the eligibility groups given by DN: each is read as the service would read it (the
 * directory port's groupSid, as the service account), so a DN the service cannot resolve (which makes every request
 * that checks eligibility fail) is reported before users meet it. Groups given by SID need no directory.
 */
import { configuredGroupDns } from '../functions/core/groups.js';
import type { Backend } from './backend.js';
import type { Check } from './doctor.js';
import { explain } from './errors.js';

const SECTION = 'eligibility groups';

export async function eligibilityGroupChecks(backend: Backend): Promise<Check[]> {
  const dns = configuredGroupDns(backend.config.eligibility);
  if (dns.length === 0) return [];
  const checks: Check[] = [];
  try {
    const access = await backend.directory();
    const session = await access.directory.openSession();
    try {
      for (const { dn, setting } of dns) {
        const sid = await session.groupSid(dn);
        checks.push(
          sid === null
            ? {
                section: SECTION,
                id: `group:${dn}`,
                status: 'fail',
                message: `${setting}: ${dn} names no group the service account can see; every request that checks eligibility fails until it is fixed`,
                fix: `correct the DN (it must be a group's, in this domain), or give the group by its SID (S-1-5-…) in ${setting}`,
              }
            : { section: SECTION, id: `group:${dn}`, status: 'ok', message: `${setting}: ${dn} is ${sid}` },
        );
      }
    } finally {
      await session.close();
    }
  } catch (error) {
    checks.push({ section: SECTION, id: 'groups', status: 'fail', message: explain(error).message });
  }
  return checks;
}
