// engine_shm.cpp — TEMPORARY: shared memory metadata is being written (issue
// 12); until then every shm call is ENOSYS. Replaced by the real one.
#include <cerrno>

#include "engine.hpp"

namespace papers::dipc::owner {

proto::Reply Engine::shm_attach(const proto::Caller&, const proto::ShmatReq&) { return {-1, ENOSYS, {}}; }
proto::Reply Engine::shm_note(const proto::Caller&, const proto::ShmAttachNote&) { return {-1, ENOSYS, {}}; }
proto::Reply Engine::shmctl(const proto::Caller&, const proto::ShmctlReq&) { return {-1, ENOSYS, {}}; }
bool Engine::shm_exists(std::int32_t) const { return false; }
proto::ShmInfoRec shminfo(const proto::Limits&) { return {}; }
proto::ShmUsageRec shm_usage(const proto::Usage&) { return {}; }

}  // namespace papers::dipc::owner
