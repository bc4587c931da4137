/**
 * LDAP_SERVER_SD_FLAGS_OID: which parts of nTSecurityDescriptor a search returns. Without it AD returns the whole
 * descriptor, which includes the SACL and needs a privilege the service account does not have, so the attribute
 * silently goes missing; asking for the DACL alone needs only Read Permissions.
 */
import { Ber, BerWriter, Control } from 'ldapts';

export const SD_FLAGS_OID = '1.2.840.113556.1.4.801';
export const SD_FLAGS = { OWNER: 0x1, GROUP: 0x2, DACL: 0x4, SACL: 0x8 } as const;

export class SdFlagsControl extends Control {
  constructor(readonly flags: number = SD_FLAGS.DACL) {
    // Critical: a DC that ignored it would answer without the attribute, which reads as "cannot read the DACL".
    super(SD_FLAGS_OID, { critical: true });
  }

  /** controlValue = BER SEQUENCE { INTEGER flags } in an OCTET STRING. */
  protected override writeControl(writer: BerWriter): void {
    const value = new BerWriter();
    value.startSequence();
    value.writeInt(this.flags);
    value.endSequence();
    writer.writeBuffer(value.buffer, Ber.OctetString);
  }
}
