#include "hub_rtl.hpp"

#include <vector>

#include "../model/hub_model.hpp"
#include "../model/tree_hub_model.hpp"
#include "papers/driver/pins.hpp"

namespace papers::sim {

namespace {

class FlatHubRtl final : public HubRtl {
public:
    explicit FlatHubRtl(int npes) {
        model_.reset();
        model_.set_enable(npes == 64 ? ~std::uint64_t(0) : (std::uint64_t(1) << npes) - 1);
    }
    void set_data(int pe, std::uint8_t d) override { model_.set_data(pe, d); }
    void tick() override { model_.tick(); }
    // One hub: every port sees the same pins.
    std::uint8_t status_pins(int) const override { return pins::status_pins(model_.g(), model_.r()); }
    int settle_clocks() const override { return HubModel::settle_clocks(); }
    int version() const override { return HubModel::rtl_version(); }
    std::uint64_t clocks() const override { return model_.clocks(); }
    bool open_trace(const std::string& path, std::string& err) override {
        return model_.open_trace(path, err);
    }
    void close_trace() override { model_.close_trace(); }
    const std::uint8_t* save_state(std::size_t& size) override { return model_.save_state(size); }
    void restore_state(const std::uint8_t* bytes, std::size_t size) override {
        model_.restore_state(bytes, size);
    }

private:
    HubModel model_;
};

class TreeHubRtl final : public HubRtl {
public:
    TreeHubRtl(const TreeShape& shape, int npes) : port_of_(static_cast<std::size_t>(npes)) {
        std::uint64_t enable = 0;
        for (int pe = 0; pe < npes; ++pe) {
            const int port = (pe / shape.leaf_ports) * TreeHubModel::leaf_ports() + pe % shape.leaf_ports;
            port_of_[static_cast<std::size_t>(pe)] = port;
            enable |= std::uint64_t(1) << port;
        }
        model_.reset();
        model_.set_enable(enable);
    }
    void set_data(int pe, std::uint8_t d) override { model_.set_data(port(pe), d); }
    void tick() override { model_.tick(); }
    // The pins of the leaf hub the PE is plugged into (every leaf shows the same G/R on the
    // same clock; tests/tree checks that, the server does not rely on it).
    std::uint8_t status_pins(int pe) const override {
        const int leaf = TreeHubModel::leaf_of(port(pe));
        return pins::status_pins(model_.g(leaf), model_.r(leaf));
    }
    int settle_clocks() const override { return TreeHubModel::settle_clocks(); }
    int version() const override { return TreeHubModel::rtl_version(); }
    std::uint64_t clocks() const override { return model_.clocks(); }
    bool open_trace(const std::string& path, std::string& err) override {
        return model_.open_trace(path, err);
    }
    void close_trace() override { model_.close_trace(); }
    const std::uint8_t* save_state(std::size_t& size) override { return model_.save_state(size); }
    void restore_state(const std::uint8_t* bytes, std::size_t size) override {
        model_.restore_state(bytes, size);
    }

private:
    int port(int pe) const { return port_of_[static_cast<std::size_t>(pe)]; }
    TreeHubModel model_;
    std::vector<int> port_of_;  // PE -> tree port
};

}  // namespace

std::unique_ptr<HubRtl> make_flat_hub_rtl(int npes, std::string& err) {
    if (npes < 1 || npes > HubModel::max_ports()) {
        err = "the simulated hub has " + std::to_string(HubModel::max_ports()) +
              " ports; cannot serve " + std::to_string(npes) + " PEs";
        return nullptr;
    }
    return std::make_unique<FlatHubRtl>(npes);
}

std::unique_ptr<HubRtl> make_tree_hub_rtl(const TreeShape& shape, int npes, std::string& err) {
    if (!check_tree_shape(shape, npes, err)) return nullptr;
    return std::make_unique<TreeHubRtl>(shape, npes);
}

}  // namespace papers::sim
