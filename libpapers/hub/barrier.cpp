// barrier.cpp — one exchange whose data is ignored: 1 outb + >= 1 inb.
#include "hub_engine.hpp"

namespace papers::hub {

int HubEngine::barrier() {
    std::uint8_t r = 0;
    return nand(0xF, &r, {"barrier", "exchange", 0});
}

}  // namespace papers::hub
