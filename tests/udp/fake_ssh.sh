#!/bin/sh
# fake_ssh.sh — stands in for ssh in the papersrun --hosts test: records its
# command line (which must not contain the key) and runs the remote command
# here, with its stdin (where papersrun put the key).
#   fake_ssh.sh -o BatchMode=yes -- HOST COMMAND
# ("--" is required: without it a host could be read as an option).
printf '%s\n' "$*" >> "${FAKE_SSH_LOG:-/dev/null}"
[ "$1" = "-o" ] && shift 2
if [ "$1" != "--" ]; then echo "fake_ssh: no '--' before the host" >&2; exit 255; fi
shift      # --
shift      # HOST
exec sh -c "$1"
