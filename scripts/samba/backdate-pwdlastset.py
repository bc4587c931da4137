#!/usr/bin/python3
# Test only: set a user's password and back-date pwdLastSet (over LDAP Samba accepts only 0 and -1), by writing sam.ldb
# directly as system with Samba's private DSDB_CONTROL_PASSWORD_BYPASS_LAST_SET_OID (1.3.6.1.4.1.7165.4.3.20, used for
# upgrades). Run with Debian's /usr/bin/python3 (the samba bindings), as root, on the machine that runs the DC.
#
# usage: /usr/bin/python3 backdate-pwdlastset.py <smb.conf> <sAMAccountName> <password> <days-ago>
# Prints one JSON line: {"dn": ..., "pwdLastSet": ...}.
import json
import sys
import time

import ldb
import samba.param
from samba.auth import system_session
from samba.samdb import SamDB

if len(sys.argv) != 5:
    sys.exit("usage: backdate-pwdlastset.py <smb.conf> <sAMAccountName> <password> <days-ago>")
conf, sam, password, days = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])

lp = samba.param.LoadParm()
lp.load(conf)
db = SamDB(url=lp.samdb_url(), session_info=system_session(), lp=lp)
found = db.search(base=db.domain_dn(), scope=ldb.SCOPE_SUBTREE,
                  expression="(&(objectClass=user)(sAMAccountName=%s))" % ldb.binary_encode(sam), attrs=["dn"])
if len(found) != 1:
    sys.exit("no such user: %s" % sam)
dn = found[0].dn
filetime = int((time.time() - days * 86400) * 10_000_000) + 116444736000000000
m = ldb.Message()
m.dn = dn
m["clearTextPassword"] = ldb.MessageElement(password.encode("utf-16-le"), ldb.FLAG_MOD_REPLACE, "clearTextPassword")
m["pwdLastSet"] = ldb.MessageElement(str(filetime), ldb.FLAG_MOD_REPLACE, "pwdLastSet")
db.modify(m, controls=["local_oid:1.3.6.1.4.1.7165.4.3.20:0"])
now = db.search(base=dn, scope=ldb.SCOPE_BASE, attrs=["pwdLastSet"])[0]["pwdLastSet"][0].decode()
print(json.dumps({"dn": str(dn), "pwdLastSet": now}))
