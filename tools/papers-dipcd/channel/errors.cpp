#include "errors.hpp"

#include <string>

namespace papers::dipc::channel {

namespace {

class Category : public std::error_category {
public:
    const char* name() const noexcept override { return "dipc-channel"; }
    std::string message(int c) const override {
        switch (static_cast<errc>(c)) {
            case errc::not_allowed: return "address not in the allow list";
            case errc::timed_out: return "no handshake within peer_timeout";
            case errc::authentication_failed: return "peer does not hold the cluster key";
            case errc::tampered: return "message altered, replayed, reordered or cut in flight";
            case errc::stale_session: return "peer did not answer our challenge (recorded session?)";
            case errc::version_mismatch: return "peer speaks another protocol version";
            case errc::protocol_error: return "malformed channel message";
            case errc::connection_lost: return "connection lost during the handshake";
            case errc::closed: return "closed locally";
        }
        return "unknown channel error";
    }
};

}  // namespace

const std::error_category& channel_category() {
    static const Category c;
    return c;
}

std::error_code make_error_code(errc e) { return {static_cast<int>(e), channel_category()}; }

}  // namespace papers::dipc::channel
