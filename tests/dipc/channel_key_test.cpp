// Key files: what load_key_file accepts and refuses, and what
// generate_key_file makes. Expected results come from the rules (mode bits
// read back with stat, bytes written by the test), not from the code.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "channel/key.hpp"

namespace fs = std::filesystem;
using namespace papers::dipc::channel;

namespace {

class KeyFile : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/channel_key_test.XXXXXX";
        ASSERT_NE(mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
    }
    void TearDown() override { fs::remove_all(dir_); }

    std::string write(const std::string& name, const std::string& bytes, mode_t mode) {
        std::string p = dir_ + "/" + name;
        std::ofstream(p, std::ios::binary) << bytes;
        EXPECT_EQ(chmod(p.c_str(), mode), 0);
        return p;
    }
    static std::string raw_key() {
        std::string k(32, '\0');
        for (int i = 0; i < 32; ++i) k[i] = static_cast<char>(i * 7 + 1);
        return k;
    }
    static std::string hex(const std::string& bin) {
        static const char* d = "0123456789abcdef";
        std::string h;
        for (unsigned char c : bin) {
            h += d[c >> 4];
            h += d[c & 15];
        }
        return h;
    }
    // The KeyFileError message, or "" if it loaded.
    static std::string load_error(const std::string& path) {
        try {
            (void)load_key_file(path);
            return "";
        } catch (const KeyFileError& e) {
            return e.what();
        }
    }
    std::string dir_;
};

TEST_F(KeyFile, RawAndHexFormsLoadTheSameKey) {
    const std::string raw = raw_key();
    Key a = load_key_file(write("raw", raw, 0600));
    Key b = load_key_file(write("hex", hex(raw), 0600));
    Key c = load_key_file(write("hexnl", hex(raw) + "\n", 0400));
    std::string upper = hex(raw);
    for (char& ch : upper) ch = static_cast<char>(std::toupper(ch));
    Key d = load_key_file(write("HEX", upper, 0600));
    EXPECT_EQ(std::memcmp(a.data(), raw.data(), 32), 0);
    EXPECT_EQ(std::memcmp(b.data(), raw.data(), 32), 0);
    EXPECT_EQ(std::memcmp(c.data(), raw.data(), 32), 0);
    EXPECT_EQ(std::memcmp(d.data(), raw.data(), 32), 0);
}

TEST_F(KeyFile, GroupOrOtherPermissionIsRefused) {
    for (mode_t m : {0644, 0640, 0604, 0610, 0601, 0660}) {
        const std::string p = write("k" + std::to_string(m), raw_key(), m);
        const std::string err = load_error(p);
        EXPECT_NE(err.find(p), std::string::npos) << err;
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", unsigned(m));
        EXPECT_NE(err.find(std::string("mode ") + mode), std::string::npos) << err;
        EXPECT_NE(err.find("group or other"), std::string::npos) << err;
    }
}

TEST_F(KeyFile, WrongSizesAndNonHexAreRefused) {
    const std::string raw = raw_key();
    struct Case { std::string name, bytes, expect; };
    const Case cases[] = {
        {"empty", "", "holds 0 bytes"},
        {"raw31", raw.substr(0, 31), "holds 31 bytes"},
        {"raw33", raw + "x", "holds 33 bytes"},
        {"rawnl", raw + "\n", "holds 33 bytes"},
        {"hex63", hex(raw).substr(0, 63), "holds 63 bytes"},
        {"hex65", hex(raw) + "0", "holds 65 bytes"},
        {"hexcrlf", hex(raw) + "\r\n", "holds 66 bytes"},
        {"hex2nl", hex(raw) + "\n\n", "holds 66 bytes"},
        {"big", std::string(4096, 'a'), "holds 4096 bytes"},
        {"nothex", "g" + hex(raw).substr(1), "not all hex digits"},
        {"spaces", " " + hex(raw).substr(1), "not all hex digits"},
    };
    for (const Case& c : cases) {
        const std::string p = write(c.name, c.bytes, 0600);
        const std::string err = load_error(p);
        EXPECT_NE(err.find(c.expect), std::string::npos) << c.name << ": " << err;
        EXPECT_NE(err.find(p), std::string::npos) << err;
    }
}

TEST_F(KeyFile, NotARegularFileIsRefused) {
    const std::string d = dir_ + "/adir";
    ASSERT_EQ(mkdir(d.c_str(), 0700), 0);
    EXPECT_NE(load_error(d).find("is a directory"), std::string::npos) << load_error(d);
    const std::string f = dir_ + "/fifo";
    ASSERT_EQ(mkfifo(f.c_str(), 0600), 0);
    EXPECT_NE(load_error(f).find("is a FIFO"), std::string::npos) << load_error(f);  // and does not hang
    EXPECT_NE(load_error(dir_ + "/missing").find("No such file"), std::string::npos);
}

TEST_F(KeyFile, OtherOwnerIsRefused) {
    const std::string p = write("theirs", raw_key(), 0600);
    if (geteuid() != 0) GTEST_SKIP() << "needs root to give a file away";
    ASSERT_EQ(chown(p.c_str(), 12345, 12345), 0);
    const std::string err = load_error(p);
    EXPECT_NE(err.find("owned by uid 12345"), std::string::npos) << err;
}

TEST_F(KeyFile, GenerateMakes0600KeyAndNeverOverwrites) {
    const std::string p = dir_ + "/new.key";
    const mode_t old = umask(0);  // generate must not depend on the umask
    generate_key_file(p);
    umask(old);
    struct stat st {};
    ASSERT_EQ(stat(p.c_str(), &st), 0);
    EXPECT_TRUE(S_ISREG(st.st_mode));
    EXPECT_EQ(st.st_mode & 07777, 0600u);
    EXPECT_EQ(st.st_size, 65);
    Key k = load_key_file(p);  // loads as a valid key

    std::ifstream in(p, std::ios::binary);
    const std::string before((std::istreambuf_iterator<char>(in)), {});
    try {
        generate_key_file(p);
        FAIL() << "overwrote " << p;
    } catch (const KeyFileError& e) {
        EXPECT_NE(std::string(e.what()).find("already exists"), std::string::npos) << e.what();
    }
    std::ifstream in2(p, std::ios::binary);
    const std::string after((std::istreambuf_iterator<char>(in2)), {});
    EXPECT_EQ(before, after);

    // A dangling symbolic link is not followed to create its target.
    const std::string link = dir_ + "/link.key", target = dir_ + "/target.key";
    ASSERT_EQ(symlink(target.c_str(), link.c_str()), 0);
    EXPECT_THROW(generate_key_file(link), KeyFileError);
    EXPECT_FALSE(fs::exists(target));

    // Two keys differ (it is random, not a constant).
    const std::string q = dir_ + "/other.key";
    generate_key_file(q);
    Key k2 = load_key_file(q);
    EXPECT_NE(std::memcmp(k.data(), k2.data(), 32), 0);
}

TEST_F(KeyFile, GenerateInMissingDirectoryNamesThePath) {
    const std::string p = dir_ + "/no/such/dir/k";
    try {
        generate_key_file(p);
        FAIL();
    } catch (const KeyFileError& e) {
        EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << e.what();
    }
}

}  // namespace
