// engine_compare.hpp — the kernel's view of a structure in the engine's
// record types, and field-by-field differences for the twin's reports.
#pragma once
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

#include <cstdint>
#include <string>

#include "engine_actor.hpp"
#include "proto/messages.hpp"

namespace papers::dipc::enginetest {

std::string errname(int e);

// Times are compared within a second (the kernel's clock and the engine's
// are read at slightly different moments); zero must match zero.
bool near_time(std::int64_t kernel, std::int64_t engine);

proto::SemDsRec kernel_sem_ds(const struct semid_ds& d);
proto::MsgDsRec kernel_msg_ds(const struct msqid_ds& d);
proto::ShmDsRec kernel_shm_ds(const struct shmid_ds& d);

// " field kernel/engine" for each field that differs; empty if none.
std::string sem_ds_diff(const proto::SemDsRec& kernel, const proto::SemDsRec& engine);
std::string msg_ds_diff(const proto::MsgDsRec& kernel, const proto::MsgDsRec& engine);
std::string seminfo_diff(const struct seminfo& kernel, const proto::SemInfoRec& engine);
std::string msginfo_diff(const struct msginfo& kernel, const proto::MsgInfoRec& engine);
// lpid is left out when a lost host's processes detached last (the kernel
// saw their pids, the engine's host_lost did not).
std::string shm_ds_diff(const proto::ShmDsRec& kernel, const proto::ShmDsRec& engine, bool compare_lpid);
std::string shminfo_diff(const ShmLimits& kernel, const proto::ShmInfoRec& engine);
// shm_rss is left out: the kernel counts the pages in memory, the engine
// reports every page (it cannot know where pages are resident).
std::string shm_usage_diff(const struct shm_info& kernel, const proto::ShmUsageRec& engine);

}  // namespace papers::dipc::enginetest
