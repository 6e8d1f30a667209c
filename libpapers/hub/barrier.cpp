// barrier.cpp — one exchange whose data is ignored: 1 outb + >= 1 inb.
#include "nybble_backend.hpp"

namespace papers::hub {

int NybbleBackend::barrier() {
    std::uint8_t r = 0;
    return nand(0xF, &r, {"barrier", "exchange", 0});
}

}  // namespace papers::hub
