// line_forwarder.hpp — passes one rank's stdout or stderr through to
// papersrun's, whole lines at a time, so lines of different ranks never mix
// (each line, or batch of whole lines, is one write()). With a prefix
// (--tag-output) every line starts with it, e.g. "[3] ".
#pragma once
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace papersrun {

class LineForwarder {
public:
    using Sink = std::function<void(std::string_view)>;

    // A line longer than this is passed on in pieces (bounded memory).
    static constexpr std::size_t kMaxPending = 64 * 1024;

    LineForwarder(Sink sink, std::string prefix);
    // Writes every completed line of `bytes`; keeps the incomplete tail.
    void feed(std::string_view bytes);
    // End of stream: writes the incomplete tail, if any. With a prefix it
    // gets a '\n' so the next tagged line starts on its own line.
    void finish();

private:
    Sink sink_;
    std::string prefix_;
    std::string pending_;
    bool at_line_start_ = true;  // the next byte written starts a line
};

// A sink writing to a file descriptor (retries short writes; drops output
// for good after EPIPE, e.g. when `papersrun ... | head` closed the pipe).
LineForwarder::Sink fd_sink(int fd);

}  // namespace papersrun
