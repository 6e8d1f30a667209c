// channel.hpp — the secure channel between papers-dipcd daemons
// (docs/dipc-design.md decisions 10-12; README.md here for the construction).
#pragma once
#include "allow_list.hpp"
#include "errors.hpp"
#include "key.hpp"
#include "link.hpp"
#include "listener.hpp"
