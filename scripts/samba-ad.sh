#!/usr/bin/env bash
# Samba AD DC for the tests and the local stack: domain CORP.EXAMPLE.TEST (NetBIOS CORP), LDAPS on 127.0.0.1:636,
# provisioned into a folder of its own (SSPR_SAMBA_DIR, default <repo>/.samba); nothing is read from or written to /etc.
#
#   scripts/samba-ad.sh start          install (if needed), provision (first time), start, wait for LDAPS, seed the demo
#                                      directory (DESIGN §7) and re-apply its states (every start); writes <dir>/sspr.env
#   scripts/samba-ad.sh apply-states   re-apply the demo states on a running domain (the same step as in start)
#   scripts/samba-ad.sh lock|unlock <sAMAccountName>
#   scripts/samba-ad.sh rights list | remove <name> | restore
#                                      take one of svc-sspr's delegated rights away / give them all back (sspr doctor)
#   scripts/samba-ad.sh stop | status | reset | env
#
# Debian bookworm, run as root. LDAP ports are hard-coded in Samba (389, 636, 3268, 3269): one domain per machine.
# The demo states themselves are defined once, in test/support/sambaDemo.ts (run here through scripts/samba/cli.ts).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DIR=$(realpath -m "${SSPR_SAMBA_DIR:-$REPO/.samba}")
REALM=CORP.EXAMPLE.TEST
NETBIOS=CORP
BASE_DN=DC=corp,DC=example,DC=test
ADMIN_DN="CN=Administrator,CN=Users,$BASE_DN"
ADMIN_PASSWORD='Adm1n!Passw0rd'
SVC_DN="CN=svc-sspr,OU=Service Accounts,$BASE_DN"
SVC_PASSWORD='Service!2026svc'
CONF=$DIR/etc/smb.conf
ENV_FILE=$DIR/sspr.env
LOG=$DIR/log/samba.log
PY=/usr/bin/python3 # Debian's python: the samba bindings live in its dist-packages
TSX=$REPO/node_modules/.bin/tsx
PKGS=(samba samba-ad-provision samba-dsdb-modules samba-vfs-modules openssl ldb-tools)
READY_TIMEOUT=${SSPR_SAMBA_READY_TIMEOUT:-60}

T0=$(date +%s%N)
export SAMBA_AD_T0=$T0
log() { printf '[samba-ad %6.2fs] %s\n' "$(( $(date +%s%N) - T0 ))e-9" "$*"; }
die() { log "ERROR: $*" >&2; exit 1; }

pid() { head -1 "$DIR/run/samba.pid" 2>/dev/null || true; }
running() {
  local p; p=$(pid)
  [ -n "$p" ] && kill -0 "$p" 2>/dev/null && [ "$(cat "/proc/$p/comm" 2>/dev/null)" = samba ]
}

need_root() { [ "$(id -u)" -eq 0 ] || die "run as root (samba needs ports 389/636 and root-owned databases)"; }

install_packages() {
  local missing=() p
  for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return
  log "installing ${missing[*]}"
  # Keep the maintainer scripts from starting smbd/nmbd/samba-ad-dc with /etc/samba/smb.conf.
  local guard=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && guard=1
  fi
  local rc=0
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >"/tmp/samba-ad-apt.$$.log" 2>&1 \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
      >"/tmp/samba-ad-apt.$$.log" 2>&1; } || rc=$?
  [ -n "$guard" ] && rm -f /usr/sbin/policy-rc.d
  if [ "$rc" -ne 0 ]; then tail -20 "/tmp/samba-ad-apt.$$.log" >&2; die "apt-get install failed"; fi
  rm -f "/tmp/samba-ad-apt.$$.log"
  log "installed"
}

make_tls() { # own CA + server certificate with SANs, so clients verify against ca.pem when dialing 127.0.0.1
  local d=$DIR/tls
  if [ -s "$d/cert.pem" ] && [ -s "$d/ca.pem" ] && [ -s "$d/key.pem" ]; then
    chmod 600 "$d/key.pem" # samba exits when the key is not 0600
    return
  fi
  mkdir -p "$d"
  ( umask 077
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 -subj "/CN=SSPR test AD CA" \
      -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
      -keyout "$d/ca.key" -out "$d/ca.pem" 2>/dev/null
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=dc1.corp.example.test" \
      -keyout "$d/key.pem" -out "$d/req.csr" 2>/dev/null
    printf '%s\n' 'subjectAltName=DNS:dc1.corp.example.test,DNS:localhost,IP:127.0.0.1' 'extendedKeyUsage=serverAuth' \
      'keyUsage=critical,digitalSignature,keyEncipherment' >"$d/ext.cnf"
    openssl x509 -req -in "$d/req.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial -days 3650 \
      -extfile "$d/ext.cnf" -out "$d/cert.pem" 2>/dev/null )
  chmod 600 "$d/key.pem" "$d/ca.key" # samba refuses a key that is not 0600
  chmod 644 "$d/ca.pem" "$d/cert.pem"
  log "TLS: own CA and server certificate (SAN IP:127.0.0.1, DNS:localhost)"
}

provision() {
  [ -f "$DIR/private/sam.ldb" ] && return
  rm -rf "$DIR"/{etc,private,state,cache,bind-dns,run} # leftovers of a failed provision
  mkdir -p "$DIR"/{run,log}
  : >"$DIR/empty.conf" # -s: do not inherit anything from /etc/samba/smb.conf
  log "provisioning $REALM into $DIR"
  samba-tool domain provision -s "$DIR/empty.conf" --targetdir="$DIR" \
    --realm="$REALM" --domain="$NETBIOS" --server-role=dc --dns-backend=NONE \
    --host-name=dc1 --adminpass="$ADMIN_PASSWORD" \
    --option="interfaces=lo" --option="bind interfaces only=yes" \
    --option="server services=ldap" \
    --option="pid directory=$DIR/run" --option="ncalrpc dir=$DIR/run/ncalrpc" \
    --option="winbindd socket directory=$DIR/run/winbindd" \
    --option="ntp signd socket directory=$DIR/run/ntp_signd" \
    --option="log file=$LOG" >"$DIR/log/provision.log" 2>&1 \
    || { tail -30 "$DIR/log/provision.log" >&2; die "provision failed (log: $DIR/log/provision.log)"; }
  log "provisioned"
}

# Options provision drops or cannot take; ensured on every start (idempotent).
configure() {
  local extra="$DIR/etc/extra.conf"
  {
    printf '\t%s\n' '# added by scripts/samba-ad.sh'
    # AD and Samba default to 60: an old password keeps binding 60 minutes after a change or reset.
    printf '\told password allowed period = 0\n'
    printf '\ttls enabled = yes\n\ttls keyfile = %s\n\ttls certfile = %s\n\ttls cafile = %s\n' \
      "$DIR/tls/key.pem" "$DIR/tls/cert.pem" "$DIR/tls/ca.pem"
  } >"$extra"
  if ! grep -q 'added by scripts/samba-ad.sh' "$CONF"; then
    sed -i "/^\[global\]/r $extra" "$CONF"
  fi
  rm -f "$extra"
}

wait_ready() {
  local deadline=$(( $(date +%s) + READY_TIMEOUT ))
  while :; do
    running || { tail -40 "$LOG" >&2 2>/dev/null || true; die "samba exited (log: $LOG)"; }
    if timeout 2 openssl s_client -connect 127.0.0.1:636 -verify_return_error -CAfile "$DIR/tls/ca.pem" \
      -verify_ip 127.0.0.1 -brief </dev/null >/dev/null 2>&1; then
      return
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      tail -40 "$LOG" >&2 2>/dev/null || true
      die "LDAPS on 127.0.0.1:636 did not answer within ${READY_TIMEOUT}s (log: $LOG)"
    fi
    sleep 0.1
  done
}

start_samba() {
  if running; then
    log "samba already running (pid $(pid))"
  else
    if (exec 3<>/dev/tcp/127.0.0.1/636) 2>/dev/null; then
      die "something else listens on 127.0.0.1:636 (another Samba or LDAP server?)"
    fi
    log "starting samba"
    samba -D -s "$CONF"
    local i
    for i in $(seq 1 50); do running && break; sleep 0.1; done
  fi
  wait_ready
  log "LDAPS ready on 127.0.0.1:636 (pid $(pid))"
}

write_env() {
  local tmp="$ENV_FILE.tmp" k v
  ( umask 077
    for kv in "SSPR_LDAP_URL=ldaps://127.0.0.1:636" "SSPR_LDAP_BIND_DN=$SVC_DN" "SSPR_LDAP_BIND_PASSWORD=$SVC_PASSWORD" \
      "SSPR_LDAP_CA_FILE=$DIR/tls/ca.pem" "SSPR_LDAP_BASE_DN=$BASE_DN" "SSPR_SAMBA_ADMIN_DN=$ADMIN_DN" \
      "SSPR_SAMBA_ADMIN_PASSWORD=$ADMIN_PASSWORD" "SSPR_SAMBA_DIR=$DIR"; do
      k=${kv%%=*} v=${kv#*=}
      printf "%s='%s'\n" "$k" "${v//\'/\'\\\'\'}"
    done >"$tmp" )
  mv -f "$tmp" "$ENV_FILE"
}

demo() { # the demo directory's states, defined once in test/support/sambaDemo.ts
  [ -x "$TSX" ] || die "$TSX is missing: run npm install in $REPO"
  SSPR_SAMBA_DIR="$DIR" "$TSX" "$REPO/scripts/samba/cli.ts" "$@"
}

stop_samba() {
  if ! running; then log "samba not running"; rm -f "$DIR/run/samba.pid"; return; fi
  local p i; p=$(pid)
  log "stopping samba (pid $p)"
  kill -TERM "$p"
  for i in $(seq 1 150); do
    if ! kill -0 "$p" 2>/dev/null && ! (exec 3<>/dev/tcp/127.0.0.1/636) 2>/dev/null; then log "stopped"; return; fi
    sleep 0.1
  done
  die "samba (pid $p) did not stop within 15s"
}

cmd=${1:-}
case "$cmd" in
  start)
    need_root
    install_packages
    provision
    make_tls
    configure
    start_samba
    write_env
    demo start-states
    log "ready: ldaps://127.0.0.1:636, env in $ENV_FILE"
    ;;
  apply-states)
    running || die "samba is not running: scripts/samba-ad.sh start"
    demo apply-states
    ;;
  lock | unlock)
    [ $# -eq 2 ] || die "usage: $0 $cmd <sAMAccountName>"
    running || die "samba is not running: scripts/samba-ad.sh start"
    demo "$cmd" "$2"
    ;;
  rights)
    running || die "samba is not running: scripts/samba-ad.sh start"
    [ -x "$TSX" ] || die "$TSX is missing: run npm install in $REPO"
    shift
    SSPR_SAMBA_DIR="$DIR" "$TSX" "$REPO/scripts/samba/rights.ts" "$@"
    ;;
  stop) stop_samba ;;
  status)
    if running; then echo "running (pid $(pid)) ldaps://127.0.0.1:636 dir=$DIR"; else echo "stopped (dir=$DIR)"; exit 3; fi
    ;;
  reset)
    stop_samba
    rm -rf "$DIR"
    log "removed $DIR"
    ;;
  env)
    [ -f "$ENV_FILE" ] || die "no $ENV_FILE: scripts/samba-ad.sh start"
    cat "$ENV_FILE"
    ;;
  *)
    echo "usage: $0 start|stop|status|reset|env|apply-states|lock <sam>|unlock <sam>|rights list|remove <name>|restore" >&2
    exit 2
    ;;
esac
