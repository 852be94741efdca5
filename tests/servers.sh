# helpq - tests/servers.sh: throwaway IMAP (Dovecot) and SMTP (aiosmtpd
# sink) servers on loopback for the shell tests. Source it after
# tests/lib.sh; everything lives in $T and is stopped at exit.
# POSIX sh (dash and bash). Call the *_up/*_down/imap_seed functions in the
# test's own shell, not in $(...): they set variables the later calls need.
#
#   servers_need dovecot|smtp|curl...  skip the whole test (1..0 # SKIP) if
#                                      a needed program is missing
#   dovecot_up                 start Dovecot; exports IMAP_HOST IMAP_PORT
#                              (plain+STARTTLS) IMAPS_PORT IMAP_USER
#                              IMAP_PASS DOVECOT_CONF DOVECOT_CA MAILDIR
#                              DOVECOT_PID
#   dovecot_down [--fast|--kill]  stop it: SIGTERM to the master (about 1 s),
#                              --fast SIGTERM to all its processes (0.1 s),
#                              --kill SIGKILL (a crash); SIGKILL after 10 s
#   dovecot_restart [...]      down, then up on the same ports and data
#   imap_seed [--flags DFPRST] [--dated] FOLDER FILE...  write messages
#                              straight into the Maildir (fast; UIDs in
#                              argument order); --dated: arrived at their
#                              Date: (Dovecot's INTERNALDATE is the mtime)
#   imap_append FOLDER FILE... deliver through Dovecot (doveadm save)
#   imap_create / imap_delete FOLDER
#   imap_keywords FOLDER UID   the message's flags and keywords, one a line
#   imap_count FOLDER, imap_uidvalidity FOLDER, imap_status FOLDER FIELD
#   imap_uids FOLDER [QUERY]   UIDs matching a doveadm search query (all)
#   smtp_up [--tls] [--require-tls] [--smtps] [--auth USER:PASS]
#           [--fail CODE [--fail-at mail|rcpt|data] [--fail-times N]]
#           [--port P]
#                              start a sink; exports SMTP_HOST SMTP_PORT
#                              SMTP_MAILDIR SMTP_PID SMTP_CA
#   smtp_down [PORT], smtp_count [PORT], smtp_messages [PORT],
#   smtp_rejected [PORT]       PORT defaults to $SMTP_PORT (the last sink)
#   servers_down [--fast]      stop everything (the EXIT trap does this)
#
# Only imap_seed works while Dovecot is down; the other imap_* use doveadm,
# which asks the running Dovecot's auth process for the user.

SRV_PY=/usr/bin/python3		# Debian's, the one with aiosmtpd
[ -x "$SRV_PY" ] || SRV_PY=${PY:-python3}
SMTPSINK=${SMTPSINK:-$TOP_SRCDIR/tests/smtpsink.py}
DOVECOT_BIN=${DOVECOT_BIN:-/usr/sbin/dovecot}
DOVEADM_BIN=${DOVEADM_BIN:-/usr/bin/doveadm}
# Never inherit these from the caller's environment.
IMAP_HOST=127.0.0.1 SMTP_HOST=127.0.0.1
IMAP_PORT= IMAPS_PORT= DOVECOT_PID= DOVECOT_CONF= SMTP_PORT= SMTP_PID=
_SRV_DOVECOT_FIXED=	# 1 once Dovecot ran: ports no longer change
_SRV_SMTP=		# running sinks, "port:pid ..."

servers_need() {
	local what miss=
	for what; do
		case $what in
		dovecot) [ -x "$DOVECOT_BIN" ] && [ -x "$DOVEADM_BIN" ] &&
			command -v openssl >/dev/null || miss="$miss dovecot" ;;
		smtp) "$SRV_PY" -c 'import aiosmtpd' 2>/dev/null ||
			miss="$miss python3-aiosmtpd" ;;
		*) command -v "$what" >/dev/null || miss="$miss $what" ;;
		esac
	done
	[ -z "$miss" ] && return 0
	echo "1..0 # SKIP not installed:$miss"
	exit 0
}

# _srv_free_ports N: N loopback TCP ports nobody listens on, chosen at
# random below the kernel's ephemeral range (so outgoing connections do
# not take them), so parallel tests rarely pick the same; the *_up
# functions retry with new ports when a bind still loses the race.
_srv_free_ports() {
	"$SRV_PY" - "$1" <<'PY'
import random, socket, sys
n = int(sys.argv[1])
try:
    lo, hi = map(int, open("/proc/sys/net/ipv4/ip_local_port_range").read().split())
except Exception:
    lo, hi = 32768, 60999
pool = [p for p in range(20000, 32000) if not lo <= p <= hi]
if len(pool) < 1000:
    pool = [p for p in range(10000, 65536) if not lo <= p <= hi]
random.shuffle(pool)
got = []
for p in pool:
    s = socket.socket()
    # As the servers bind: SO_REUSEADDR, so TIME_WAIT is no obstacle but
    # any listener (also on 0.0.0.0) is.
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind(("127.0.0.1", p))
        got.append(p)
    except OSError:
        pass
    s.close()
    if len(got) == n:
        break
print(" ".join(map(str, got)))
PY
}

_srv_listening() {	# _srv_listening PORT: something listens on it
	if command -v ss >/dev/null; then
		[ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]
	else
		"$SRV_PY" -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' "$1" 2>/dev/null
	fi
}

# _srv_gone PID: the process has exited. A daemon's zombie may linger
# until PID 1 reaps it (kill -0 still succeeds), so state Z counts as gone.
_srv_gone() {
	[ -d /proc/1 ] || { ! kill -0 "$1" 2>/dev/null; return; }
	[ -r "/proc/$1/stat" ] || return 0
	case $(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) in
	''|Z*|X*) return 0 ;;
	esac
	return 1
}

_srv_wait() {	# _srv_wait SECONDS CMD...: poll CMD every 50 ms until it succeeds
	local i=0 n=$(($1 * 20))
	shift
	while ! "$@"; do
		i=$((i + 1))
		[ "$i" -le "$n" ] || return 1
		sleep 0.05
	done
}

_srv_cert() {	# the self-signed certificate both servers use (EC: fast to make)
	local d=$T/dovecot
	mkdir -p "$d"
	if [ ! -s "$d/cert.pem" ]; then
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
		    -nodes -days 2 -subj /CN=localhost \
		    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
		    -keyout "$d/key.pem" -out "$d/cert.pem" 2>"$d/openssl.log" || {
			diag "openssl failed:"; sed 's/^/#   /' "$d/openssl.log"
			return 1
		}
	fi
	DOVECOT_CA=$d/cert.pem SMTP_CA=$d/cert.pem
	export DOVECOT_CA SMTP_CA
}

# Stop the servers before lib.sh's EXIT trap removes $T: the trap becomes
# "servers_down --fast; <previous trap>". `trap` is read through a file
# because dash prints no traps inside $(...).
_srv_trap() {
	local line prev=
	trap >"$T/.srv-trap"
	while IFS= read -r line; do
		case $line in
		"trap -- "*" EXIT") eval "set -- $line"; prev=$3 ;;
		esac
	done <"$T/.srv-trap"
	rm -f "$T/.srv-trap"
	case $prev in *servers_down*) return 0 ;; esac
	trap "servers_down --fast; ${prev:-rm -rf \"\$T\"}" EXIT
	# Killed by a signal: exit, so that the EXIT trap runs (dash would not).
	trap 'exit 129' HUP
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

servers_down() {	# servers_down [--fast]
	local e
	for e in $_SRV_SMTP; do smtp_down "${e%%:*}"; done
	dovecot_down ${1:+"$1"}
}

# ---- Dovecot ---------------------------------------------------------

_dovecot_init() {	# the files that stay the same over restarts
	local d=$T/dovecot
	_srv_cert || return 1
	IMAP_USER=testuser IMAP_PASS=testpass
	echo "$IMAP_USER:{PLAIN}$IMAP_PASS" >"$d/users"
	MAILDIR=$d/home/$IMAP_USER/Maildir
	mkdir -p "$d/run" "$d/state" "$MAILDIR/new" "$MAILDIR/cur" "$MAILDIR/tmp"
	if [ "$(id -u)" = 0 ]; then
		# Mail processes may not run as root: nobody owns the mail,
		# and must be able to reach it (mktemp -d made $T 0700).
		_SRV_MAIL_USER=nobody
		_SRV_MAIL_GROUP=nogroup
		getent group nogroup >/dev/null || _SRV_MAIL_GROUP=nobody
		_SRV_MAIL_UID=$(id -u nobody) _SRV_MAIL_GID=$(getent group "$_SRV_MAIL_GROUP" | cut -d: -f3)
		chmod 755 "$T" "$d"
		chown -R "$_SRV_MAIL_USER:$_SRV_MAIL_GROUP" "$d/home"
	else
		_SRV_MAIL_USER=$(id -un) _SRV_MAIL_GROUP=$(id -gn)
		_SRV_MAIL_UID=-1 _SRV_MAIL_GID=-1	# no chown needed
	fi
	DOVECOT_CONF=$d/dovecot.conf
	export IMAP_HOST IMAP_USER IMAP_PASS MAILDIR DOVECOT_CONF
}

_dovecot_conf() {
	local d=$T/dovecot asroot='' nochroot=''
	if [ "$(id -u)" != 0 ]; then
		# Without root: every Dovecot process runs as us, no chroot.
		asroot="default_internal_user = $_SRV_MAIL_USER
default_internal_group = $_SRV_MAIL_GROUP
default_login_user = $_SRV_MAIL_USER
service anvil {
  chroot =
}"
		nochroot='chroot ='
	fi
	cat >"$DOVECOT_CONF" <<CONF
# Written by tests/servers.sh. IDLE, UIDPLUS, MOVE, CONDSTORE and QRESYNC
# are in Dovecot 2.3's default capability list after login.
instance_name = helpq-test-$$
base_dir = $d/run
state_dir = $d/state
protocols = imap
listen = 127.0.0.1
log_path = $d/dovecot.log
auth_verbose = yes
ssl = yes
ssl_cert = <$d/cert.pem
ssl_key = <$d/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
# Tests of wrong passwords should not wait 2 s each.
auth_failure_delay = 0
mail_location = maildir:~/Maildir
mail_fsync = never
$asroot
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $d/users
}
userdb {
  driver = static
  args = uid=$_SRV_MAIL_USER gid=$_SRV_MAIL_GROUP home=$d/home/%u
}
protocol imap {
  # Parallel connections from one client exceed the default 10.
  mail_max_userip_connections = 100
}
service imap-login {
  $nochroot
  inet_listener imap {
    port = $IMAP_PORT
  }
  inet_listener imaps {
    port = $IMAPS_PORT
    ssl = yes
  }
}
CONF
}

_dovecot_running() {
	[ -n "${DOVECOT_PID:-}" ] && ! _srv_gone "$DOVECOT_PID"
}

_dovecot_listening() {
	_srv_listening "$IMAP_PORT" && _srv_listening "$IMAPS_PORT"
}

dovecot_up() {
	local d=$T/dovecot try=0
	_dovecot_running && return 0
	[ -n "$DOVECOT_CONF" ] || _dovecot_init || return 1
	while :; do
		try=$((try + 1))
		if [ -z "$IMAP_PORT" ]; then
			set -- $(_srv_free_ports 2)
			IMAP_PORT=${1:-} IMAPS_PORT=${2:-}
		fi
		_dovecot_conf
		# A stale pid file (after --kill) would stop the start.
		rm -f "$d/run/master.pid"
		# dovecot binds, then daemonizes: a busy port fails here.
		"$DOVECOT_BIN" -c "$DOVECOT_CONF" >"$d/start.log" 2>&1 && break
		if [ -z "$_SRV_DOVECOT_FIXED" ] && [ "$try" -lt 5 ] &&
		    grep -qi 'address already in use' "$d/start.log"; then
			IMAP_PORT=
			continue
		fi
		diag "dovecot did not start:"
		sed 's/^/#   /' "$d/start.log"
		return 1
	done
	_SRV_DOVECOT_FIXED=1
	# The daemon writes its pid file after the starting process exited.
	_srv_wait 10 test -s "$d/run/master.pid" || {
		diag "dovecot wrote no pid file:"
		tail -5 "$d/dovecot.log" | sed 's/^/#   /'
		return 1
	}
	DOVECOT_PID=$(cat "$d/run/master.pid")
	_srv_trap
	export IMAP_PORT IMAPS_PORT DOVECOT_PID
	_srv_wait 10 _dovecot_listening || {
		diag "dovecot does not listen on $IMAP_PORT/$IMAPS_PORT:"
		tail -5 "$d/dovecot.log" | sed 's/^/#   /'
		return 1
	}
}

# All gone: the master, every process of its session (imap, auth, ...),
# and the listening sockets.
_dovecot_gone() {
	_srv_gone "$1" || return 1
	[ -z "$(ps -o stat= -s "$1" 2>/dev/null | grep -v '^Z')" ] || return 1
	! _srv_listening "$IMAP_PORT" && ! _srv_listening "$IMAPS_PORT"
}

dovecot_down() {	# dovecot_down [--fast|--kill]
	local pid=${DOVECOT_PID:-} sig=TERM to
	[ -n "$pid" ] || return 0
	# The master is a session leader (setsid): -PID is all its processes.
	to=$pid
	case ${1:-} in
	--fast) to=-$pid ;;
	--kill) to=-$pid sig=KILL ;;
	esac
	_srv_gone "$pid" || kill -s "$sig" -- "$to" 2>/dev/null || :
	if ! _srv_wait 10 _dovecot_gone "$pid"; then
		diag "dovecot $pid ignored SIG$sig for 10 s: SIGKILL"
		kill -s KILL -- "-$pid" 2>/dev/null || :
		_srv_wait 5 _dovecot_gone "$pid" || {
			diag "dovecot $pid still there"
			return 1
		}
	fi
	DOVECOT_PID=
}

dovecot_restart() {	# dovecot_restart [--fast|--kill]: same ports, same mail
	dovecot_down "$@" && dovecot_up
}

_doveadm() {
	"$DOVEADM_BIN" -c "$DOVECOT_CONF" "$@"
}

imap_seed() {	# imap_seed [--flags DFPRST] [--dated] FOLDER FILE...
	local flags= dated=
	while :; do
		case ${1:-} in
		--flags) flags=$2; shift 2 ;;
		--dated) dated=1; shift ;;
		*) break ;;
		esac
	done
	[ -n "$DOVECOT_CONF" ] || _dovecot_init || return 1
	"$SRV_PY" - "$MAILDIR" "$T/dovecot/seed.seq" "$$" "$_SRV_MAIL_UID" \
	    "$_SRV_MAIL_GID" "$flags" "$dated" "$@" <<'PY'
import base64, email.parser, email.utils, os, sys, time
maildir, seqfile, pid, uid, gid, flags, dated, folder = sys.argv[1:9]
files = sys.argv[9:]
uid, gid = int(uid), int(gid)
if set(flags) - set("DFPRST"):
    sys.exit("imap_seed: --flags takes Maildir letters D F P R S T")

def mutf7(s):	# IMAP's modified UTF-7, as Dovecot names Maildir++ folders
    out, wide = [], []
    def flush():
        if wide:
            b = base64.b64encode("".join(wide).encode("utf-16-be")).decode()
            out.append("&" + b.rstrip("=").replace("/", ",") + "-")
            wide.clear()
    for ch in s:
        if 0x20 <= ord(ch) <= 0x7e:
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            wide.append(ch)
    flush()
    return "".join(out)

def own(p):
    if uid >= 0:
        os.chown(p, uid, gid)

if folder.upper() == "INBOX":
    d = maildir
elif folder.startswith(".") or "/" in folder:
    sys.exit("imap_seed: %r is no Maildir++ folder name" % folder)
else:
    d = os.path.join(maildir, "." + mutf7(folder))
for sub in ("", "cur", "new", "tmp"):
    p = os.path.join(d, sub)
    if not os.path.isdir(p):
        os.mkdir(p)
        own(p)		# Dovecot (nobody) must write here
if d != maildir and not os.path.exists(os.path.join(d, "maildirfolder")):
    open(os.path.join(d, "maildirfolder"), "w").close()
    own(os.path.join(d, "maildirfolder"))
# Dovecot gives UIDs in the order of <n> in <time>.M<n>P<pid>: one
# counter for the whole test, kept in a file.
try:
    seq = int(open(seqfile).read())
except (OSError, ValueError):
    seq = 0
now = int(time.time())
for f in files:
    seq += 1
    name = "%d.M%dP%s.helpqtest" % (now, seq, pid)
    tmp = os.path.join(d, "tmp", name)
    with open(f, "rb") as src, open(tmp, "wb") as dst:
        dst.write(src.read())
    own(tmp)
    if dated:
        with open(f, "rb") as src:
            h = email.parser.BytesHeaderParser().parse(src)
        t = email.utils.parsedate_to_datetime(h["Date"]).timestamp()
        os.utime(tmp, (t, t))
    if flags:
        os.rename(tmp, os.path.join(d, "cur", name + ":2," + "".join(sorted(flags))))
    else:
        os.rename(tmp, os.path.join(d, "new", name))
open(seqfile, "w").write("%d\n" % seq)
PY
}

imap_append() {	# imap_append FOLDER FILE...
	local folder=$1 f
	shift
	for f; do
		_doveadm save -u "$IMAP_USER" -m "$folder" <"$f" || return 1
	done
}

imap_create() { _doveadm mailbox create -u "$IMAP_USER" "$1"; }
imap_delete() { _doveadm mailbox delete -u "$IMAP_USER" "$1"; }

imap_keywords() {	# imap_keywords FOLDER UID; fails if there is no such UID
	local out
	out=$(_doveadm -f flow fetch -u "$IMAP_USER" flags mailbox "$1" uid "$2") ||
	    return 1
	[ -n "$out" ] || return 1
	# \Recent belongs to a session, not to the message.
	printf '%s\n' "${out#flags=}" | tr ' ' '\n' | grep -v -x -e '' -e '\\Recent'
	return 0
}

imap_status() {	# imap_status FOLDER FIELD (messages, unseen, uidnext, ...)
	local out
	out=$(_doveadm -f tab mailbox status -u "$IMAP_USER" "$2" "$1") || return 1
	printf '%s\n' "$out" | awk -F '\t' 'NR == 2 { print $NF }'
}
imap_count() { imap_status "$1" messages; }
imap_uidvalidity() { imap_status "$1" uidvalidity; }

imap_uids() {	# imap_uids FOLDER [QUERY...], e.g. keyword '$billing', seen
	local folder=$1 out
	shift
	[ $# -gt 0 ] || set -- all
	out=$(_doveadm search -u "$IMAP_USER" mailbox "$folder" "$@") || return 1
	[ -z "$out" ] || printf '%s\n' "$out" | awk '{ print $2 }'
}

# ---- SMTP sink ---------------------------------------------------------

_smtp_started() {	# _smtp_started PIDFILE PID: ready, or dead
	[ -s "$1" ] || _srv_gone "$2"
}

smtp_up() {
	local tls= reqtls= smtps= auth= fail= failat= failtimes= port= fixed=
	local try=0 dir pid log
	while [ $# -gt 0 ]; do
		case $1 in
		--tls) tls=1 ;;
		--require-tls) tls=1 reqtls=1 ;;
		--smtps) tls=1 smtps=1 ;;
		--auth) auth=$2; shift ;;
		--fail) fail=$2; shift ;;
		--fail-at) failat=$2; shift ;;
		--fail-times) failtimes=$2; shift ;;
		--port) port=$2 fixed=1; shift ;;
		*) diag "smtp_up: unknown option $1"; return 2 ;;
		esac
		shift
	done
	if [ -n "$tls" ]; then _srv_cert || return 1; fi
	mkdir -p "$T/smtp"
	while :; do
		try=$((try + 1))
		[ -n "$port" ] || port=$(_srv_free_ports 1)
		dir=$T/smtp/$port log=$T/smtp/$port.log
		set -- --port "$port" --maildir "$dir" --pidfile "$T/smtp/$port.pid"
		[ -z "$tls" ] || set -- "$@" --tls "$SMTP_CA" "$T/dovecot/key.pem"
		[ -z "$reqtls" ] || set -- "$@" --require-tls
		[ -z "$smtps" ] || set -- "$@" --smtps
		[ -z "$auth" ] || set -- "$@" --auth "$auth"
		[ -z "$fail" ] || set -- "$@" --fail "$fail"
		[ -z "$failat" ] || set -- "$@" --fail-at "$failat"
		[ -z "$failtimes" ] || set -- "$@" --fail-times "$failtimes"
		rm -f "$T/smtp/$port.pid"
		# Output to a file: a sink holding the test's stdout would
		# keep the TAP driver waiting.
		"$SRV_PY" "$SMTPSINK" "$@" >>"$log" 2>&1 </dev/null &
		pid=$!
		_srv_wait 10 _smtp_started "$T/smtp/$port.pid" "$pid"
		[ -s "$T/smtp/$port.pid" ] && break
		kill "$pid" 2>/dev/null || :
		wait "$pid" 2>/dev/null || :
		if [ -z "$fixed" ] && [ "$try" -lt 5 ] &&
		    grep -qi 'address already in use' "$log"; then
			port=
			continue
		fi
		diag "smtp sink did not start:"
		tail -5 "$log" | sed 's/^/#   /'
		return 1
	done
	_SRV_SMTP="$_SRV_SMTP $port:$pid"
	SMTP_PORT=$port SMTP_PID=$pid SMTP_MAILDIR=$dir
	export SMTP_HOST SMTP_PORT SMTP_PID SMTP_MAILDIR
	_srv_trap
}

smtp_down() {	# smtp_down [PORT]
	local port=${1:-$SMTP_PORT} e pid= rest=
	for e in $_SRV_SMTP; do
		case $e in
		"$port":*) pid=${e#*:} ;;
		*) rest="$rest $e" ;;
		esac
	done
	[ -n "$pid" ] || return 0
	_SRV_SMTP=$rest
	kill -s TERM "$pid" 2>/dev/null || :
	_srv_wait 5 _srv_gone "$pid" || {
		diag "smtp sink $pid ignored SIGTERM: SIGKILL"
		kill -s KILL "$pid" 2>/dev/null || :
		_srv_wait 2 _srv_gone "$pid" || :
	}
	wait "$pid" 2>/dev/null || :	# reap it: it is our child
}

smtp_count() {	# smtp_count [PORT]: messages the sink accepted
	find "$T/smtp/${1:-$SMTP_PORT}/new" "$T/smtp/${1:-$SMTP_PORT}/cur" \
	    -type f 2>/dev/null | wc -l | tr -d ' '
}

smtp_messages() {	# smtp_messages [PORT]: their paths, in arrival order
	local f
	for f in "$T/smtp/${1:-$SMTP_PORT}"/new/*; do
		[ -e "$f" ] && printf '%s\n' "$f"
	done
	return 0
}

smtp_rejected() {	# smtp_rejected [PORT]: commands refused by --fail
	local f=$T/smtp/${1:-$SMTP_PORT}/rejected
	if [ -e "$f" ]; then wc -l <"$f" | tr -d ' '; else echo 0; fi
}

# desk_mail FILE N: customer N (kunde N@example.net) asks, in German, now.
desk_mail() {
	printf 'From: Kunde %s <kunde%s@example.net>\nTo: support@example.com\nSubject: Frage %s zur Lieferung\nDate: %s\nMessage-ID: <d%s@example.net>\n\nWann kommt meine Lieferung %s? Vielen Dank.\n' \
	    "$2" "$2" "$2" "$(date -R)" "$2" "$2" > "$1"
}

# desk_up: Dovecot and a STARTTLS sink up, a Sent folder, and $T/c a
# desk's whole configuration: agents, rules, templates, IMAP with Sent,
# SMTP with the certificate checked; the database is $T/h.db.
desk_up() {
	dovecot_up || { echo "Bail out! dovecot did not start"; exit 1; }
	smtp_up --tls || { echo "Bail out! the SMTP sink did not start"; exit 1; }
	imap_create Sent
	umask 077
	printf '%s\n' "$IMAP_PASS" > "$T/pw"
	cat > "$T/c" <<EOF
[helpq]
address = support@example.com
agents = anna@example.com
database = $T/h.db
templates = $TOP_SRCDIR/templates
[rules]
path = $TOP_SRCDIR/rules
[imap]
host = 127.0.0.1
port = $IMAPS_PORT
ca-file = $DOVECOT_CA
user = $IMAP_USER
password-file = $T/pw
sent = Sent
[smtp]
host = 127.0.0.1
port = $SMTP_PORT
tls = starttls
ca-file = $SMTP_CA
EOF
}
