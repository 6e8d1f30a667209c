#include "papers/driver/port.hpp"

#include <sched.h>

namespace papers::driver {

void Port::idle(std::uint8_t, Clock::time_point) { sched_yield(); }

}  // namespace papers::driver
