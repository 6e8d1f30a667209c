#include "port_from_config.hpp"

#include <string>

#include "../core/error.hpp"
#include "papers/driver/hw_port.hpp"
#include "papers/papers.h"

namespace papers::hub {

namespace {

int code_of(driver::PortErr e) {
    switch (e) {
        case driver::PortErr::none: return PAPERS_OK;
        case driver::PortErr::bad_spec: return PAPERS_EINVAL;
        case driver::PortErr::not_found: return PAPERS_ENODEV;
        case driver::PortErr::no_permission: return PAPERS_EPERM;
        case driver::PortErr::unsupported: return PAPERS_ENOTSUP;
        case driver::PortErr::busy: return PAPERS_EBUSY;
        case driver::PortErr::system: return PAPERS_ESYS;
    }
    return PAPERS_ESYS;
}

}  // namespace

std::unique_ptr<driver::Port> open_config_port(const Config& cfg, const char* who, int* code) {
    driver::PortResult r = driver::open_hw_port(cfg.port, cfg.port_access);
    if (!r) {
        *code = set_error(code_of(r.err), std::string(who) + " backend: " + r.message);
        return nullptr;
    }
    *code = PAPERS_OK;
    return std::move(r.port);
}

}  // namespace papers::hub
