// log.hpp — the daemon's log: one line per event, with a UTC timestamp and
// the daemon's name, to a file or stderr. Single-threaded like the daemon.
#pragma once
#include <cstdio>
#include <string>

namespace papers::dipcd {

class Log {
public:
    Log() = default;
    // Opens `path` for appending (empty: stderr). Throws on failure.
    void open(const std::string& path, const std::string& name, bool verbose);
    ~Log();
    void info(const std::string& line);   // always
    void debug(const std::string& line);  // only with -v
    bool verbose() const { return verbose_; }

private:
    void write(const char* level, const std::string& line);
    std::FILE* out_ = stderr;
    bool own_ = false;
    bool verbose_ = false;
    std::string name_;
};

}  // namespace papers::dipcd
