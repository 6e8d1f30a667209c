#!/bin/sh
# netns_ssh.sh — stands in for ssh (PAPERS_SSH) in the fault matrix's udp
# link-down case (fault_case.sh): the "remote host" is a network namespace on
# this machine, so a rank really sends over a veth pair whose link the test
# can take down. FAULT_NETNS_HOSTS maps each host to its namespace:
#   FAULT_NETNS_HOSTS="10.77.0.1=papers-fault-1-a 10.77.0.2=papers-fault-1-b"
#   netns_ssh.sh -o BatchMode=yes -- HOST COMMAND
# The remote command reads the job key from stdin, as with ssh.
[ "$1" = "-o" ] && shift 2
if [ "$1" != "--" ]; then echo "netns_ssh: no '--' before the host" >&2; exit 255; fi
host=$2 cmd=$3
for pair in $FAULT_NETNS_HOSTS; do
    if [ "${pair%%=*}" = "$host" ]; then
        exec ip netns exec "${pair#*=}" sh -c "$cmd"
    fi
done
echo "netns_ssh: no namespace for host '$host' in FAULT_NETNS_HOSTS" >&2
exit 255
