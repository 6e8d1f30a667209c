#include "log.hpp"

#include <cerrno>
#include <cstring>
#include <ctime>
#include <stdexcept>
#include <sys/time.h>

namespace papers::dipcd {

void Log::open(const std::string& path, const std::string& name, bool verbose) {
    name_ = name;
    verbose_ = verbose;
    if (path.empty()) return;
    std::FILE* f = std::fopen(path.c_str(), "ae");
    if (!f) throw std::runtime_error("cannot open log file " + path + ": " + std::strerror(errno));
    out_ = f;
    own_ = true;
}

Log::~Log() {
    if (own_) std::fclose(out_);
}

void Log::info(const std::string& line) { write("", line); }

void Log::debug(const std::string& line) {
    if (verbose_) write("debug: ", line);
}

void Log::write(const char* level, const std::string& line) {
    timeval tv{};
    gettimeofday(&tv, nullptr);
    tm t{};
    gmtime_r(&tv.tv_sec, &t);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &t);
    std::fprintf(out_, "%s.%03ldZ papers-dipcd[%s] %s%s\n", stamp, static_cast<long>(tv.tv_usec / 1000),
                 name_.c_str(), level, line.c_str());
    std::fflush(out_);
}

}  // namespace papers::dipcd
