#include "server/util/tls_files.h"

#include <cstdlib>
#include <filesystem>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace wa::util {
namespace {

// A key and a self-signed certificate made with the openssl CLI.
class TlsFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/wa-tlsfiles-XXXXXX";
    dir_ = mkdtemp(pattern);
    for (const char* name : {"a", "b"}) {
      std::string base = (dir_ / name).string();
      ASSERT_EQ(
          std::system(absl::StrCat("openssl req -x509 -newkey ec -pkeyopt "
                                   "ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=",
                                   name, " -keyout ", base, ".key -out ", base, ".pem 2>/dev/null")
                          .c_str()),
          0);
    }
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Path(const char* name) const { return (dir_ / name).string(); }

  std::filesystem::path dir_;
};

TEST_F(TlsFilesTest, LoadsAMatchingPair) {
  absl::StatusOr<TlsPem> pem = LoadTls({Path("a.pem"), Path("a.key"), Path("b.pem")});
  ASSERT_TRUE(pem.ok()) << pem.status();
  EXPECT_NE(pem->cert_chain.find("BEGIN CERTIFICATE"), std::string::npos);
  EXPECT_NE(pem->private_key.find("PRIVATE KEY"), std::string::npos);
  EXPECT_NE(pem->client_ca.find("BEGIN CERTIFICATE"), std::string::npos);
}

TEST_F(TlsFilesTest, RefusesWhatCannotServe) {
  struct Case {
    TlsFiles files;
    std::string reason;
  };
  for (const Case& c : {
           Case{{Path("a.pem"), "", ""}, "go together"},
           Case{{"", Path("a.key"), ""}, "go together"},
           Case{{Path("a.pem"), Path("b.key"), ""}, "is not the key of"},
           Case{{Path("a.key"), Path("a.key"), ""}, "holds no PEM certificate"},
           Case{{Path("a.pem"), Path("a.pem"), ""}, "holds no PEM private key"},
           Case{{Path("missing.pem"), Path("a.key"), ""}, "cannot read"},
           Case{{Path("a.pem"), Path("a.key"), Path("a.key")}, "tls_client_ca_file"},
       }) {
    absl::StatusOr<TlsPem> pem = LoadTls(c.files);
    ASSERT_FALSE(pem.ok()) << c.reason;
    EXPECT_EQ(pem.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(pem.status().message().find(c.reason), std::string::npos) << pem.status();
  }
}

}  // namespace
}  // namespace wa::util
