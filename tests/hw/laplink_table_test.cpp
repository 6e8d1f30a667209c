// The virtual cable's wiring (kLaplinkWires in hub_server.hpp) against
// spec §8 and against the cable the hardware helper generates
// (hw/capers-cable/laplink.json), so the simulated cable is the real one.
#include <gtest/gtest.h>

#include <boost/property_tree/json_parser.hpp>
#include <boost/property_tree/ptree.hpp>
#include <filesystem>
#include <set>
#include <tuple>

#include "hub_server.hpp"
#include "papers/driver/pins.hpp"

namespace papers::test {
namespace {

TEST(LaplinkTable, MatchesSpecSection8) {
    // D0..D4 (pins 2..6) -> pins 15, 13, 12, 10, 11 = status bits 3..7.
    const int to_pin[5] = {15, 13, 12, 10, 11};
    ASSERT_EQ(std::size(sim::kLaplinkWires), 5u);
    for (int i = 0; i < 5; ++i) {
        const auto& w = sim::kLaplinkWires[i];
        EXPECT_EQ(w.data_bit, i);
        EXPECT_EQ(w.from_pin, 2 + i);
        EXPECT_EQ(w.to_pin, to_pin[i]);
        EXPECT_EQ(w.status_bit, 3 + i);
    }
}

TEST(LaplinkTable, EveryDataByteDecodesAsThePeersXAndS) {
    for (unsigned d = 0; d < 256; ++d) {
        const std::uint8_t reg = pins::register_from_pins(sim::laplink_pins_from_peer(d));
        EXPECT_EQ(pins::status_r(reg), d & 0xF) << d;
        EXPECT_EQ(pins::status_g(reg), (d >> 4) & 1u) << d;
    }
}

TEST(LaplinkTable, MatchesTheHardwareCable) {
    const std::filesystem::path json =
        std::filesystem::path(PAPERS_SOURCE_DIR) / "hw/capers-cable/laplink.json";
    if (!std::filesystem::exists(json))
        GTEST_SKIP() << json << " does not exist (hw/capers-cable not generated)";
    boost::property_tree::ptree doc;
    boost::property_tree::read_json(json.string(), doc);
    using Wire = std::tuple<int, int, int, int>;  // data bit, from pin, to pin, status bit
    std::set<Wire> table, a_to_b, b_to_a;
    for (const auto& w : sim::kLaplinkWires)
        table.emplace(w.data_bit, w.from_pin, w.to_pin, w.status_bit);
    for (const auto& [_, w] : doc.get_child("signal_wires")) {
        const Wire t{w.get<int>("data_bit"), w.get<int>("from_pin"), w.get<int>("to_pin"),
                     w.get<int>("status_bit")};
        EXPECT_EQ(w.get<bool>("inverted_by_port"), w.get<int>("status_bit") == 7)
            << "only BUSY (status bit 7) is inverted by the port";
        (w.get<std::string>("from_side") == "A" ? a_to_b : b_to_a).insert(t);
    }
    EXPECT_EQ(a_to_b, table) << "side A -> B differs from kLaplinkWires";
    EXPECT_EQ(b_to_a, table) << "side B -> A differs from kLaplinkWires";
}

}  // namespace
}  // namespace papers::test
