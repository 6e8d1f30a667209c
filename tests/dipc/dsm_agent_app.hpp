// dsm_agent_app.hpp — the `app` scenario of dsm_agent (dsm_agent_app.cpp).
#pragma once

int app_program(int argc, char** argv);
