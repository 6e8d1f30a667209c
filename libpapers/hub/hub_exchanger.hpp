// hub_exchanger.hpp — spec §5 on a port wired to a PAPERS hub.
#pragma once
#include <chrono>

#include "exchanger.hpp"

namespace papers::hub {

class HubExchanger final : public Exchanger {
public:
    HubExchanger(driver::Port& port, std::chrono::nanoseconds timeout, unsigned spin_polls);

    int start() override;
    int nand(std::uint8_t x, std::uint8_t* r, const Step& where) override;
    int finish() override;
    std::uint64_t exchanges() const override { return exchanges_; }
    driver::Port& port() override { return port_; }

private:
    // Polls STATUS until G == t_; bounded by timeout_.
    int wait_for_g(std::uint8_t* status, const Step& where);

    driver::Port& port_;
    std::chrono::nanoseconds timeout_;
    unsigned spin_polls_;
    unsigned t_ = 0;  // the strobe value of the last request (spec §5)
    std::uint64_t exchanges_ = 0;
};

}  // namespace papers::hub
