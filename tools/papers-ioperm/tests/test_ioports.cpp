// test_ioports.cpp — which bases /proc/ioports lists as parallel ports.
#include <gtest/gtest.h>

#include "ioports.hpp"

using namespace papers::ioperm;

namespace {

// As this kernel prints it (root), with a parallel port added.
constexpr const char* kTable =
    "0000-0cf7 : PCI Bus 0000:00\n"
    "  0000-001f : dma1\n"
    "  0020-0021 : pic1\n"
    "  0378-037a : parport0\n"
    "  03f8-03ff : serial\n"
    "0cf8-0cff : PCI conf1\n"
    "0d00-ffff : PCI Bus 0000:00\n"
    "  e000-e007 : parport1\n"
    "  e400-e402 : parport1\n";

}  // namespace

TEST(Ioports, ParallelPortRegionsAreFound) {
    EXPECT_EQ(classify_base(kTable, 0x378), IoportsVerdict::parport);
    EXPECT_EQ(classify_base(kTable, 0xe000), IoportsVerdict::parport);
    EXPECT_EQ(classify_base(kTable, 0xe005), IoportsVerdict::parport);  // base..base+2 inside
}

TEST(Ioports, OtherDevicesAndPartialOverlapsAreNot) {
    EXPECT_EQ(classify_base(kTable, 0x20), IoportsVerdict::other);    // the PIC
    EXPECT_EQ(classify_base(kTable, 0x3f8), IoportsVerdict::other);   // serial
    EXPECT_EQ(classify_base(kTable, 0x379), IoportsVerdict::other);   // 0x379..0x37b sticks out
    EXPECT_EQ(classify_base(kTable, 0x278), IoportsVerdict::other);   // not present
    EXPECT_EQ(classify_base("  0378-037a : parportx\n", 0x378), IoportsVerdict::other);
    EXPECT_EQ(classify_base("  0378-037a : myparport0\n", 0x378), IoportsVerdict::other);
    EXPECT_EQ(classify_base("", 0x378), IoportsVerdict::other);
}

TEST(Ioports, AddressesHiddenFromUnprivilegedReadersAreReported) {
    EXPECT_EQ(classify_base("0000-0000 : PCI Bus 0000:00\n  0000-0000 : parport0\n", 0x378),
              IoportsVerdict::hidden);
}

TEST(Ioports, GarbageLinesAreIgnored) {
    EXPECT_EQ(classify_base("zzzz-037a : parport0\n0378 : parport0\n-\n : \n0378-037a:parport0\n"
                            "  0378-037a : parport0\n",
                            0x378),
              IoportsVerdict::parport);
    EXPECT_EQ(classify_base("123456789-1 : parport0\n", 0x378), IoportsVerdict::other);
}
