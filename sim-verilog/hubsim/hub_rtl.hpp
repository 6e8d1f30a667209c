// hub_rtl.hpp — the RTL a HubServer clocks: the flat hub (HubModel, the default) or a hub tree
// (TreeHubModel, papers-hubsim --tree). Both are driven through PE numbers 0..npes-1; the
// adapter maps a PE to its RTL port and reads back the G/R that port's hub drives.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "tree_shape.hpp"

namespace papers::sim {

class HubRtl {
public:
    virtual ~HubRtl() = default;
    // Drive PE `pe`'s DATA pins.
    virtual void set_data(int pe, std::uint8_t data_byte) = 0;
    // One hub clock.
    virtual void tick() = 0;
    // STATUS pin levels (pins::status_pins) PE `pe` sees after the last tick.
    virtual std::uint8_t status_pins(int pe) const = 0;
    // Clocks from a DATA change to settled G/R at every port (the RTL's latency_o).
    virtual int settle_clocks() const = 0;
    virtual int version() const = 0;
    virtual std::uint64_t clocks() const = 0;
    virtual bool open_trace(const std::string& path, std::string& err) = 0;
    virtual void close_trace() = 0;
    // The model's state as bytes (valid until the next call) and back (direct mode).
    virtual const std::uint8_t* save_state(std::size_t& size) = 0;
    virtual void restore_state(const std::uint8_t* bytes, std::size_t size) = 0;
};

// The flat hub with the first npes ports enabled. nullptr with err if it has too few ports.
std::unique_ptr<HubRtl> make_flat_hub_rtl(int npes, std::string& err);
// The hub tree, npes PEs laid out as `shape` says. nullptr with err if they do not fit.
std::unique_ptr<HubRtl> make_tree_hub_rtl(const TreeShape& shape, int npes, std::string& err);

}  // namespace papers::sim
