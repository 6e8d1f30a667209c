// engine_referee.hpp — the referee's part of semget/msgget/shmget for the
// owner engine's tests: key table, id allocation per kind, the next
// sequence number for a reused slot, SHMALL (docs/dipc-design.md, decisions
// 2 and 9).
#pragma once
#include <cstdint>
#include <map>
#include <set>

#include "owner/engine.hpp"

namespace papers::dipc::enginetest {

// The referee's part of semget/msgget/shmget (key table, id allocation per
// kind, the next sequence number for a reused slot, the pages every live
// segment counts against SHMALL), as the tests need it.
class TestReferee {
public:
    TestReferee(owner::Engine& engine, const proto::Limits& limits) : engine_(engine), limits_(limits) {}
    proto::Reply get(proto::GetReq req, const proto::Caller& caller);
    void removed(proto::Kind kind, std::int32_t id);
    // IPC_RMID of an attached segment: its key names nothing now.
    void key_released(proto::Kind kind, std::int32_t id);

private:
    owner::Engine& engine_;
    proto::Limits limits_;
    std::map<std::pair<proto::Kind, std::int32_t>, std::int32_t> keys_;   // (kind, key) -> id
    std::map<std::pair<proto::Kind, std::int32_t>, std::int32_t> seqs_;   // (kind, slot) -> last seq
    std::set<std::pair<proto::Kind, std::int32_t>> used_;                 // (kind, slot)
    std::map<std::int32_t, std::uint64_t> shm_pages_;                     // shm id -> pages
    std::uint64_t shm_tot_ = 0;
};

}  // namespace papers::dipc::enginetest
