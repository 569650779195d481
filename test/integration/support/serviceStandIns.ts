// What stands in for systemd and sudo on the test and sandbox hosts. systemd cannot run here (no
// systemd as PID 1, and a host is a set of namespaces, not a machine), so a small supervisor does
// what `systemctl restart` / `is-active` would: stop the old process, start the new one from the
// unit's WorkingDirectory=, EnvironmentFile= and ExecStart=, and say whether it still runs.
// User= is not honoured: a sandbox host has one user (see sandboxHosts.ts).

/**
 * `supervise.sh restart|stop|status STATE [WORKDIR ENVFILE COMMAND…]`: the process's pid file
 * and log live in STATE. `status` exits 0 while the process runs (a zombie does not count), 3
 * (inactive) otherwise, as `systemctl is-active`. A release marked broken (`STATE/broken-<release>`,
 * a test's way to make one host fail) starts with a wrong DB password, so its /healthz answers
 * 503: it runs, but not against its database.
 */
export const SUPERVISOR = `#!/bin/sh
verb=$1 state=$2
pidf=$state/app.pid
# Some thread of it runs (not all zombies): this machine's PID 1 reaps orphans late, systemd
# would not wait; a Go app's first thread may be a zombie while another still holds the port.
alive() { grep -qs '^State:[[:space:]]*[^Z[:space:]]' /proc/"$1"/task/*/status; }
if [ "$verb" = status ]; then
  pid=$(cat "$pidf" 2>/dev/null) && alive "$pid" && { echo active; exit 0; }
  echo inactive
  exit 3
fi
if [ -f "$pidf" ]; then pid=$(cat "$pidf"); kill "$pid" 2>/dev/null; while alive "$pid"; do sleep 0.05; done; rm -f "$pidf"; fi
[ "$verb" = stop ] && exit 0
workdir=$3 envfile=$4
shift 4
cd "$workdir" || exit 1
set -a; [ -z "$envfile" ] || . "$envfile"; set +a
[ -f "$state/broken-$(basename "$(pwd -P)")" ] && DB_PASSWORD=wrong-on-purpose
nohup "$@" >>"$state/app.log" 2>&1 </dev/null &
echo $! > "$pidf"
`;

/**
 * `systemctl` on a sandbox host, for the deploy file's defaults: restart/start/stop/is-active/
 * status of a unit in /etc/systemd/system (read as systemd would: WorkingDirectory=,
 * EnvironmentFile=, ExecStart= without quoting), daemon-reload and enable as no-ops. A unit that
 * is not installed fails as systemd's does (exit 5). `supervisor` is the SUPERVISOR script's path.
 */
export function systemctlStandIn(supervisor: string, stateDir: string): string {
  return `#!/bin/sh
# Stands in for systemd's systemctl: systemd cannot run on this sandbox host (no systemd as PID 1).
quiet=
verb=
unit=
for a in "$@"; do
  case $a in
    -q|--quiet) quiet=1 ;;
    -*) ;;
    *) if [ -z "$verb" ]; then verb=$a; elif [ -z "$unit" ]; then unit=\${a%.service}; fi ;;
  esac
done
say() { [ -n "$quiet" ] || echo "$@"; }
case $verb in daemon-reload) exit 0 ;; esac
file=/etc/systemd/system/$unit.service
state=${stateDir}/$unit
key() { sed -n "s/^$1=//p" "$file" | tail -n 1; }
case $verb in
  is-active)
    [ -f "$file" ] || { say inactive; exit 3; }
    if sh ${supervisor} status "$state" >/dev/null; then say active; exit 0; fi
    say inactive; exit 3 ;;
  status)
    [ -f "$file" ] || { echo "Unit $unit.service could not be found." >&2; exit 4; }
    sh ${supervisor} status "$state" >/dev/null && echo "Active: active (running)" || echo "Active: inactive (dead)"
    tail -n 10 "$state/app.log" 2>/dev/null
    sh ${supervisor} status "$state" >/dev/null || exit 3 ;;
  enable|disable) [ -f "$file" ] || { echo "Failed to $verb unit: Unit file $unit.service does not exist." >&2; exit 1; } ;;
  stop) sh ${supervisor} stop "$state" ;;
  start|restart)
    [ -f "$file" ] || { echo "Failed to $verb $unit.service: Unit $unit.service not found." >&2; exit 5; }
    mkdir -p "$state"
    if [ "$verb" = start ] && sh ${supervisor} status "$state" >/dev/null; then exit 0; fi
    # ExecStart= is split on blanks (no quoting here); a leading - or @ of systemd's is not read.
    sh ${supervisor} restart "$state" "$(key WorkingDirectory)" "$(key EnvironmentFile | sed 's/^-//')" $(key ExecStart) ;;
  *) echo "systemctl stand-in: $verb is not supported here" >&2; exit 1 ;;
esac
`;
}

/**
 * `sudo` on a sandbox host: its one user is the host's root too (the deploy's scripts then run
 * as they would under `sudo -n`), with sudo's secure_path so that /usr/sbin tools are found.
 */
export const SUDO_STAND_IN = `#!/bin/sh
# Stands in for sudo: on this sandbox host the login user is also root (one user per host).
while [ $# -gt 0 ]; do
  case $1 in
    -u|-g|-C|-D|-p|-h|-U|-r|-t|-T) shift 2 ;;
    --) shift; break ;;
    -*) shift ;;
    *) break ;;
  esac
done
[ $# -gt 0 ] || { echo "usage: sudo command" >&2; exit 1; }
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH
exec "$@"
`;

/** `useradd` on a sandbox host: writes the system user into the host's own /etc/passwd and /etc/group. */
export const USERADD_STAND_IN = `#!/bin/sh
# Stands in for useradd (the host's /etc/passwd is its own file; there is no /etc/shadow to write).
for a in "$@"; do name=$a; done
grep -q "^$name:" /etc/passwd && { echo "useradd: user '$name' already exists" >&2; exit 9; }
id=$((900 + $(wc -l < /etc/passwd)))
echo "$name:x:$id:$id::/nonexistent:/usr/sbin/nologin" >> /etc/passwd
grep -q "^$name:" /etc/group || echo "$name:x:$id:" >> /etc/group
`;
