// test_config_file.cpp — ownership, permission and symlink checks on the
// config file and the directories above it.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_file.hpp"
#include "config_parse.hpp"
#include "test_support.hpp"

using namespace papers::ioperm;
using ioperm_test::TempDir;
using ioperm_test::write_file;

namespace {

constexpr const char* kGood = "port 0x378 uids 54321\n";

// The owner every check expects: root when we are root (the real policy),
// otherwise ourselves, so the rest of the checks still run unprivileged.
TrustPolicy policy() { return TrustPolicy{::geteuid()}; }

void expect_refused(const std::string& path, const std::string& needle, const TrustPolicy& p = policy()) {
    const auto r = load_trusted_file(path, p);
    EXPECT_FALSE(r.ok) << path;
    EXPECT_NE(r.error.find(needle), std::string::npos) << "message was: " << r.error;
    EXPECT_TRUE(r.text.empty());
}

}  // namespace

TEST(ConfigFile, GoodFileLoads) {
    TempDir d;
    write_file(d.file("ioperm.conf"), kGood);
    const auto r = load_trusted_file(d.file("ioperm.conf"), policy());
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.text, kGood);
    // Repeated slashes are harmless.
    EXPECT_TRUE(load_trusted_file("/" + d.path() + "//ioperm.conf", policy()).ok);
}

TEST(ConfigFile, GroupOrOtherWritableFileIsRefused) {
    TempDir d;
    write_file(d.file("g.conf"), kGood, 0664);
    write_file(d.file("o.conf"), kGood, 0646);
    expect_refused(d.file("g.conf"), "writable by group or others (mode 0664)");
    expect_refused(d.file("o.conf"), "writable by group or others (mode 0646)");
    write_file(d.file("ro.conf"), kGood, 0400);  // unreadable by others is fine
    EXPECT_TRUE(load_trusted_file(d.file("ro.conf"), policy()).ok);
}

TEST(ConfigFile, WritableDirectoryIsRefused) {
    TempDir d;
    ASSERT_EQ(::mkdir(d.file("etc").c_str(), 0755), 0);
    write_file(d.file("etc/ioperm.conf"), kGood);
    ASSERT_TRUE(load_trusted_file(d.file("etc/ioperm.conf"), policy()).ok);
    ASSERT_EQ(::chmod(d.file("etc").c_str(), 0775), 0);
    expect_refused(d.file("etc/ioperm.conf"), "directory " + d.file("etc") + " is writable by group or others");
    // Sticky does not excuse the file's own directory.
    ASSERT_EQ(::chmod(d.file("etc").c_str(), 01777), 0);
    expect_refused(d.file("etc/ioperm.conf"), "is writable by group or others");
}

TEST(ConfigFile, WritableAncestorIsRefusedUnlessSticky) {
    TempDir d;
    ASSERT_EQ(::mkdir(d.file("ww").c_str(), 0755), 0);
    ASSERT_EQ(::mkdir(d.file("ww/etc").c_str(), 0755), 0);
    write_file(d.file("ww/etc/ioperm.conf"), kGood);
    ASSERT_EQ(::chmod(d.file("ww").c_str(), 0777), 0);
    expect_refused(d.file("ww/etc/ioperm.conf"), "directory " + d.file("ww") + " is writable");
    ASSERT_EQ(::chmod(d.file("ww").c_str(), 01777), 0);  // like /tmp
    EXPECT_TRUE(load_trusted_file(d.file("ww/etc/ioperm.conf"), policy()).ok);
}

TEST(ConfigFile, SymlinksAreRefusedAnywhere) {
    TempDir d;
    ASSERT_EQ(::mkdir(d.file("real").c_str(), 0755), 0);
    write_file(d.file("real/ioperm.conf"), kGood);
    ASSERT_EQ(::symlink(d.file("real/ioperm.conf").c_str(), d.file("link.conf").c_str()), 0);
    ASSERT_EQ(::symlink(d.file("real").c_str(), d.file("linkdir").c_str()), 0);
    expect_refused(d.file("link.conf"), "is a symbolic link");
    expect_refused(d.file("linkdir/ioperm.conf"), d.file("linkdir") + " is a symbolic link");
}

TEST(ConfigFile, NotARegularFileIsRefused) {
    TempDir d;
    ASSERT_EQ(::mkdir(d.file("adir").c_str(), 0755), 0);
    expect_refused(d.file("adir"), "not a regular file");
    // A FIFO must be refused without blocking the helper on open().
    ASSERT_EQ(::mkfifo(d.file("fifo").c_str(), 0644), 0);
    expect_refused(d.file("fifo"), "not a regular file");
    if (ioperm_test::is_root()) expect_refused("/dev/null", "not a regular file", TrustPolicy{0});
}

TEST(ConfigFile, BadPathsAreRefused) {
    TempDir d;
    write_file(d.file("ioperm.conf"), kGood);
    expect_refused("ioperm.conf", "path must be absolute");
    expect_refused("", "path must be absolute");
    expect_refused(d.path() + "/", "path names a directory");
    expect_refused("/", "path names a directory");
    expect_refused(d.path() + "/../" + d.path().substr(5) + "/ioperm.conf", "'.' or '..'");
    expect_refused(d.path() + "/./ioperm.conf", "'.' or '..'");
    expect_refused(d.file("missing.conf"), "cannot open the file: No such file or directory");
    expect_refused(d.file("ioperm.conf/x"), "is not a directory");
    expect_refused("/" + std::string(5000, 'a'), "path is too long");
}

TEST(ConfigFile, OversizedFileIsRefused) {
    TempDir d;
    write_file(d.file("big.conf"), std::string(kMaxConfigBytes + 1, '#'));
    expect_refused(d.file("big.conf"), "larger than 65536 bytes");
}

TEST(ConfigFile, FileOwnedByNonRootIsRefused) {
    if (!ioperm_test::is_root()) GTEST_SKIP() << "needs root to chown";
    TempDir d;
    write_file(d.file("ioperm.conf"), kGood);
    ASSERT_EQ(::chown(d.file("ioperm.conf").c_str(), 12345, 12345), 0);  // no such user needed
    expect_refused(d.file("ioperm.conf"), "owned by uid 12345, must be owned by root; run chown root:root",
                   TrustPolicy{0});
}

TEST(ConfigFile, DirectoryOwnedByNonRootIsRefused) {
    if (!ioperm_test::is_root()) GTEST_SKIP() << "needs root to chown";
    TempDir d;
    ASSERT_EQ(::mkdir(d.file("etc").c_str(), 0755), 0);
    write_file(d.file("etc/ioperm.conf"), kGood);
    ASSERT_EQ(::chown(d.file("etc").c_str(), 12345, 12345), 0);
    expect_refused(d.file("etc/ioperm.conf"), "directory " + d.file("etc") + " is owned by uid 12345, not root",
                   TrustPolicy{0});
}

TEST(ConfigFile, RequiredOwnerIsInjectable) {
    if (!ioperm_test::is_root()) GTEST_SKIP() << "needs root to chown";
    TempDir d;
    write_file(d.file("ioperm.conf"), kGood);
    // Root-owned file, but the injected policy wants uid 12345.
    expect_refused(d.file("ioperm.conf"), "must be owned by uid 12345", TrustPolicy{12345});
    ASSERT_EQ(::chown(d.file("ioperm.conf").c_str(), 12345, 0), 0);
    EXPECT_TRUE(load_trusted_file(d.file("ioperm.conf"), TrustPolicy{12345}).ok);
}
