// ioports.hpp — is a base a parallel port the kernel knows?
//
// Why: the configuration names port bases, and a typo (or a hostile edit
// by someone allowed to write it) could grant a user the registers of the
// PIC, the DMA controller or a disk controller. The kernel lists the I/O
// regions its drivers claim in /proc/ioports; a parallel port driven by
// parport_pc appears as "0378-037a : parport0". papers-ioperm grants only
// such bases unless the configuration line says `ioports any` (a card
// without a kernel driver).
//
// Pure: the text is read by the caller, so tests feed their own.
#pragma once
#include <string>
#include <string_view>

namespace papers::ioperm {

inline constexpr const char* kProcIoports = "/proc/ioports";

enum class IoportsVerdict {
    parport,   // base..base+2 lies in a region named parport<N>
    other,     // not listed as a parallel port
    hidden,    // every address reads 0: the reader lacks CAP_SYS_ADMIN
};

IoportsVerdict classify_base(std::string_view proc_ioports, unsigned base);

// Reads `path` (at most 256 KiB). False with `err` set when it cannot.
bool read_ioports(const std::string& path, std::string& text, std::string& err);

}  // namespace papers::ioperm
