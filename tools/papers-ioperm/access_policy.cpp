// access_policy.cpp — permission decisions for papers-ioperm (see header).
#include "access_policy.hpp"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace papers::ioperm {

namespace {

// getpw*_r/getgr*_r need a caller-sized buffer; grow it on ERANGE up to a
// bound so a huge NSS entry cannot make a setuid process allocate freely.
template <typename Entry, typename Fn>
bool lookup(Fn&& fn, Entry& entry, std::vector<char>& buf) {
    for (std::size_t size = 1024; size <= (1u << 20); size *= 4) {
        buf.resize(size);
        Entry* result = nullptr;
        const int rc = fn(&entry, buf.data(), buf.size(), &result);
        if (rc == ERANGE) continue;
        return rc == 0 && result != nullptr;
    }
    return false;
}

}  // namespace

std::optional<uid_t> SystemResolver::uid_of(const std::string& user) const {
    struct passwd pw {};
    std::vector<char> buf;
    if (!lookup(
            [&](passwd* e, char* b, std::size_t n, passwd** r) { return getpwnam_r(user.c_str(), e, b, n, r); },
            pw, buf))
        return std::nullopt;
    return pw.pw_uid;
}

std::optional<gid_t> SystemResolver::gid_of(const std::string& group) const {
    struct group gr {};
    std::vector<char> buf;
    if (!lookup(
            [&](struct group* e, char* b, std::size_t n, struct group** r) {
                return getgrnam_r(group.c_str(), e, b, n, r);
            },
            gr, buf))
        return std::nullopt;
    return gr.gr_gid;
}

std::string user_name_of(uid_t uid) {
    struct passwd pw {};
    std::vector<char> buf;
    if (!lookup([&](passwd* e, char* b, std::size_t n, passwd** r) { return getpwuid_r(uid, e, b, n, r); },
                pw, buf))
        return {};
    return pw.pw_name ? pw.pw_name : "";
}

std::string describe(const Caller& caller) {
    const std::string id = "uid " + std::to_string(caller.uid);
    return caller.name.empty() ? id : "user '" + caller.name + "' (" + id + ")";
}

bool rule_allows(const PortRule& rule, const Caller& caller, const NameResolver& names, std::string* how) {
    auto found = [&](std::string text) {
        if (how) *how = std::move(text);
        return true;
    };
    auto in_groups = [&](gid_t g) {
        return g == caller.gid || std::find(caller.groups.begin(), caller.groups.end(), g) != caller.groups.end();
    };
    for (const uid_t u : rule.uids)
        if (u == caller.uid) return found("uid " + std::to_string(u));
    for (const auto& user : rule.users)
        if (const auto u = names.uid_of(user); u && *u == caller.uid) return found("user " + user);
    for (const gid_t g : rule.gids)
        if (in_groups(g)) return found("gid " + std::to_string(g));
    for (const auto& group : rule.groups)
        if (const auto g = names.gid_of(group); g && in_groups(*g)) return found("group " + group);
    return false;
}

Decision decide(const ConfigTable& table, const Caller& caller, std::optional<unsigned> requested,
                const NameResolver& names, std::string_view config_name) {
    Decision d;
    const std::string conf(config_name);
    std::string how;
    if (requested) {
        const PortRule* rule = table.find(*requested);
        if (!rule) {
            d.reason = "port " + port_string(*requested) + " is not configured in " + conf;
            return d;
        }
        if (!rule_allows(*rule, caller, names, &how)) {
            d.reason = describe(caller) + " may not use port " + port_string(*requested) + " (" + conf +
                       " line " + std::to_string(rule->line) + " does not list it or its groups)";
            return d;
        }
        d.allowed = true;
        d.port = *requested;
        d.reason = "port " + port_string(*requested) + " granted to " + how + " by " + conf + " line " +
                   std::to_string(rule->line);
        return d;
    }

    std::vector<const PortRule*> mine;
    std::string first_how;
    for (const auto& rule : table.rules) {
        if (rule_allows(rule, caller, names, &how)) {
            if (mine.empty()) first_how = how;
            mine.push_back(&rule);
        }
    }
    if (mine.empty()) {
        d.reason = describe(caller) + " is not allowed any port in " + conf;
        return d;
    }
    if (mine.size() > 1) {
        std::string list;
        for (const auto* r : mine) list += (list.empty() ? "" : ", ") + port_string(r->base);
        d.reason = describe(caller) + " may use several ports (" + list + "): choose one with --port";
        return d;
    }
    d.allowed = true;
    d.port = mine[0]->base;
    d.reason = "port " + port_string(d.port) + " granted to " + first_how + " by " + conf + " line " +
               std::to_string(mine[0]->line);
    return d;
}

}  // namespace papers::ioperm
