// The hub and capers backends on their REAL-port path (libieee1284 port,
// open by PAPERS_PORT) in threads of this process, with the substitute
// libieee1284 linked in and the hub simulator's server in a thread.
#include <gtest/gtest.h>

#include <mutex>
#include <thread>
#include <vector>

#include "../../libpapers/core/config.hpp"
#include "../../libpapers/core/error.hpp"
#include "../suite/backend_ops.hpp"
#include "shared_hub.hpp"

namespace papers {
namespace hub {
std::unique_ptr<Backend> make_hub_backend(const Config&, int*);
}
namespace capers {
std::unique_ptr<Backend> make_capers_backend(const Config&, int*);
}

namespace test {
namespace {

using Factory = std::unique_ptr<Backend> (*)(const Config&, int*);

Config port_config(int rank, int size, const std::string& backend, const std::string& port,
                   double timeout_s = 20.0) {
    Config c;
    c.rank = rank;
    c.size = size;
    c.backend = backend;
    c.port = port;
    c.port_access = "ieee1284";
    c.timeout_s = timeout_s;
    return c;
}

// Runs the whole operation suite on `size` threads, each opening its own
// port "sim<rank>" through the backend factory.
void run_suite_on_ports(Factory make, const std::string& backend, int size) {
    std::mutex mu;
    std::vector<std::string> failures;
    int checks = 0;
    std::vector<std::thread> pes;
    for (int r = 0; r < size; ++r)
        pes.emplace_back([&, r] {
            int code = 0;
            auto b = make(port_config(r, size, backend, "sim" + std::to_string(r)), &code);
            if (!b) {
                std::lock_guard lock(mu);
                failures.push_back("rank " + std::to_string(r) + " open: " + last_error());
                return;
            }
            BackendOps ops(*b, r, size);
            auto res = run_op_suite(ops, 11);
            const papers_stats_t st = b->stats();
            const int frc = b->finalize();
            std::lock_guard lock(mu);
            checks += res.checks;
            failures.insert(failures.end(), res.failures.begin(), res.failures.end());
            if (frc) failures.push_back("finalize: " + last_error());
            if (st.port_writes == 0 || st.port_reads < st.port_writes)
                failures.push_back("port counters did not move");
        });
    for (auto& t : pes) t.join();
    EXPECT_GT(checks, 100 * size);
    for (std::size_t i = 0; i < failures.size() && i < 30; ++i) ADD_FAILURE() << failures[i];
}

TEST(HubBackendOnLibieee1284, WholeSuiteN4) {
    SharedHub hub(4, sim::WireMode::hub);
    run_suite_on_ports(hub::make_hub_backend, "hub", 4);
    for (int i = 0; i < 4; ++i) EXPECT_EQ(hub.wire().data[i].load(), 0) << "S=0, L=0 at exit";
}

TEST(CapersBackendOnLibieee1284, WholeSuiteOverTheCable) {
    SharedHub cable(2, sim::WireMode::laplink);
    run_suite_on_ports(capers::make_capers_backend, "capers", 2);
    EXPECT_EQ(cable.wire().data[0].load(), 0);
    EXPECT_EQ(cable.wire().data[1].load(), 0);
}

TEST(HubBackendOnLibieee1284, BadOrMissingPortIsReported) {
    SharedHub hub(1, sim::WireMode::hub);
    int code = 0;
    auto cfg = port_config(0, 1, "hub", "0xZZ");
    EXPECT_FALSE(hub::make_hub_backend(cfg, &code));
    EXPECT_EQ(code, PAPERS_EINVAL);
    EXPECT_NE(last_error().find("hub backend: PAPERS_PORT '0xZZ'"), std::string::npos)
        << last_error();
    cfg.port = "sim5";
    EXPECT_FALSE(hub::make_hub_backend(cfg, &code));
    EXPECT_EQ(code, PAPERS_ENODEV);
    EXPECT_NE(last_error().find("sim0 (base 0xe000"), std::string::npos) << last_error();
    cfg.port = "";
    EXPECT_FALSE(hub::make_hub_backend(cfg, &code));
    EXPECT_EQ(code, PAPERS_EINVAL);
    EXPECT_NE(last_error().find("PAPERS_PORT is not set"), std::string::npos) << last_error();
}

TEST(HubBackendOnLibieee1284, CensusFailureNamesThePortAndTheProbe) {
    SharedHub hub(2, sim::WireMode::hub);  // two enabled ports, one PE
    int code = 0;
    auto b = hub::make_hub_backend(port_config(0, 1, "hub", "sim0", 0.3), &code);
    EXPECT_FALSE(b);
    EXPECT_EQ(code, PAPERS_EMEMBERSHIP);
    EXPECT_NE(last_error().find("papers-probe"), std::string::npos) << last_error();
    EXPECT_NE(last_error().find("ieee1284:sim0"), std::string::npos) << last_error();
}

}  // namespace
}  // namespace test
}  // namespace papers
