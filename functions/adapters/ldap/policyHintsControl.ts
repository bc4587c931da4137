/**
 * LDAP_SERVER_POLICY_HINTS_OID (Windows Server 2012 and later) and its predecessor
 * LDAP_SERVER_POLICY_HINTS_DEPRECATED_OID (2008 R2 with an update): sent with an administrative unicodePwd replace,
 * they make the DC check the password history as it does for a user's own change. A DC that does not list one in
 * rootDSE supportedControl (Samba) must not get it: sent critical it fails the write with 12.
 */
import { Ber, BerWriter, Control } from 'ldapts';

export const POLICY_HINTS_OID = '1.2.840.113556.1.4.2239';
export const POLICY_HINTS_DEPRECATED_OID = '1.2.840.113556.1.4.2066';

/** The OID to send to a DC with this supportedControl list: the current one, else the deprecated one, else none. */
export function policyHintsOidOf(supportedControl: readonly string[]): string | null {
  if (supportedControl.includes(POLICY_HINTS_OID)) return POLICY_HINTS_OID;
  if (supportedControl.includes(POLICY_HINTS_DEPRECATED_OID)) return POLICY_HINTS_DEPRECATED_OID;
  return null;
}

export class PolicyHintsControl extends Control {
  constructor(oid: string = POLICY_HINTS_OID) {
    // Critical: a DC that ignored it would take a reset to a password from the history while the product, having
    // asked for the check, tells the user that history is enforced.
    super(oid, { critical: true });
  }

  /** controlValue = BER SEQUENCE { INTEGER 1 } (1 = enforce the policy) in an OCTET STRING. */
  protected override writeControl(writer: BerWriter): void {
    const value = new BerWriter();
    value.startSequence();
    value.writeInt(1);
    value.endSequence();
    writer.writeBuffer(value.buffer, Ber.OctetString);
  }
}
