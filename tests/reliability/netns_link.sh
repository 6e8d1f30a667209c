# netns_link.sh — sourced by fault_case.sh for the udp link-down case: two
# network namespaces joined by a veth pair, as two hosts on one Ethernet link.
#   host a (10.77.0.1): ranks 0 and 2     host b (10.77.0.2): rank 1
# Names carry the test's pid, so concurrent runs do not meet; the addresses
# are private to the namespaces.
# Sets netns_hosts (papersrun --hosts), netns_map (netns_ssh.sh's
# FAULT_NETNS_HOSTS), netns_prefix; netns_link_setup returns non-zero with
# netns_skip_reason when the machine cannot do it (not root, no ip netns).
netns_prefix="papers-fault-$$-"
netns_a="${netns_prefix}a" netns_b="${netns_prefix}b"
netns_veth_a="pfa$$" netns_veth_b="pfb$$"   # interface names: at most 15 characters
netns_hosts="10.77.0.1:7101,10.77.0.2:7102,10.77.0.1:7103"
netns_map="10.77.0.1=$netns_a 10.77.0.2=$netns_b"
netns_skip_reason=

netns_link_setup() {
    if [ "$(id -u)" -ne 0 ]; then netns_skip_reason="network namespaces need root"; return 1; fi
    if ! command -v ip >/dev/null; then netns_skip_reason="no 'ip' command (iproute2)"; return 1; fi
    if ! ip netns add "$netns_a" 2>"$tmp/netns-err"; then
        netns_skip_reason="ip netns add failed: $(cat "$tmp/netns-err")"
        return 1
    fi
    ip netns add "$netns_b" &&
    ip link add "$netns_veth_a" netns "$netns_a" type veth peer name "$netns_veth_b" netns "$netns_b" &&
    ip -n "$netns_a" addr add 10.77.0.1/24 dev "$netns_veth_a" &&
    ip -n "$netns_b" addr add 10.77.0.2/24 dev "$netns_veth_b" &&
    ip -n "$netns_a" link set lo up && ip -n "$netns_a" link set "$netns_veth_a" up &&
    ip -n "$netns_b" link set lo up && ip -n "$netns_b" link set "$netns_veth_b" up ||
        { netns_link_teardown; echo "FAIL: cannot set up the namespaces' link" >&2; exit 1; }
}

# Rank 1's host loses its link (a pulled cable; both ends lose carrier).
netns_link_down() { ip -n "$netns_b" link set "$netns_veth_b" down; }

netns_link_teardown() {
    ip netns del "$netns_a" 2>/dev/null
    ip netns del "$netns_b" 2>/dev/null
    return 0
}
