#!/bin/sh
# launch_fake_ssh.sh — stands in for ssh in the papersrun --dipc --hosts
# tests: logs its command line (which must not contain the key) and runs the
# remote command here with its stdin (where papersrun put the key).
#   launch_fake_ssh.sh -o BatchMode=yes [--] HOST COMMAND
# (papersrun puts "--" before the host: tools/papersrun/udp_launch.cpp, dipc_daemons.cpp)
printf '%s\n' "$*" >> "${FAKE_SSH_LOG:-/dev/null}"
[ "$1" = "-o" ] && shift 2
[ "$1" = "--" ] && shift
shift  # HOST
exec sh -c "$1"
