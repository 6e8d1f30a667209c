// hub_exchanger.hpp — spec §5 on a port wired to a PAPERS hub.
#pragma once
#include <chrono>
#include <memory>

#include "exchanger.hpp"

namespace papers::hub {

class HubExchanger final : public Exchanger {
public:
    HubExchanger(std::unique_ptr<driver::Port> port, std::chrono::nanoseconds timeout,
                 unsigned spin_polls)
        : Exchanger(std::move(port)), timeout_(timeout), spin_polls_(spin_polls) {}
    HubExchanger(driver::Port& port, std::chrono::nanoseconds timeout, unsigned spin_polls)
        : Exchanger(port), timeout_(timeout), spin_polls_(spin_polls) {}

    int start() override;
    int nand(std::uint8_t x, std::uint8_t* r, const ExchangeLabel& where) override;
    int finish() override;

private:
    // Polls STATUS until G == t_; bounded by timeout_.
    int wait_for_g(std::uint8_t* status, const ExchangeLabel& where);

    std::chrono::nanoseconds timeout_;
    unsigned spin_polls_;
    unsigned t_ = 0;  // the strobe value of the last request (spec §5)
};

}  // namespace papers::hub
