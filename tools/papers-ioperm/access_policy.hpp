// access_policy.hpp — does the configuration let this caller have that port?
//
// The caller is described by what the kernel says about the process (real
// uid, real gid, supplementary groups from getgroups()), never by anything
// the caller typed. Names in the config are turned into ids through a
// NameResolver so tests can inject their own user database.
#pragma once
#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config_parse.hpp"

namespace papers::ioperm {

struct Caller {
    uid_t uid = 0;               // real uid
    gid_t gid = 0;               // real gid
    std::vector<gid_t> groups;   // supplementary groups (getgroups)
    std::string name;            // login name for messages; may be empty
};

class NameResolver {
public:
    virtual ~NameResolver() = default;
    virtual std::optional<uid_t> uid_of(const std::string& user) const = 0;
    virtual std::optional<gid_t> gid_of(const std::string& group) const = 0;
};

// The system user database (getpwnam_r/getgrnam_r through NSS).
class SystemResolver final : public NameResolver {
public:
    std::optional<uid_t> uid_of(const std::string& user) const override;
    std::optional<gid_t> gid_of(const std::string& group) const override;
};

// Login name of `uid`, or empty when it has none.
std::string user_name_of(uid_t uid);

struct Decision {
    bool allowed = false;
    unsigned port = 0;     // granted base when allowed
    std::string reason;    // why (allowed) or why not (refused), for the user
};

// Is `caller` allowed by `rule`? Sets *how to the matching entry.
bool rule_allows(const PortRule& rule, const Caller& caller, const NameResolver& names,
                 std::string* how = nullptr);

// With `requested` the port must be configured and allow the caller. Without
// it the caller must be allowed exactly one port, which is then chosen.
Decision decide(const ConfigTable& table, const Caller& caller, std::optional<unsigned> requested,
                const NameResolver& names, std::string_view config_name);

// "user 'alice' (uid 1000)" or "uid 54321".
std::string describe(const Caller& caller);

}  // namespace papers::ioperm
