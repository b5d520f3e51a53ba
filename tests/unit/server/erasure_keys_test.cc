// storage::ErasureKeys on a real directory: processes (here, instances)
// racing to create a property's key agree on one, none ever reads a key
// file half-written, a crashed writer's leftover does not get in the way,
// and a key outlives the instance that made it.
#include "server/storage/erasure_keys.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace wa::storage {
namespace {

class ErasureKeysTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           absl::StrCat("wa-keys-", ::getpid(), "-", counter_++);
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path dir_;
  static inline int counter_ = 0;
};

TEST_F(ErasureKeysTest, RacingInstancesAgreeAndNeverReadAHalfWrittenKey) {
  constexpr int kProperties = 200;
  ErasureKeys a(dir_.string());
  ErasureKeys b(dir_.string());
  std::vector<std::string> from_a(kProperties), from_b(kProperties);
  std::atomic<int> failures{0};
  auto run = [&](ErasureKeys& keys, std::vector<std::string>& out, int first) {
    for (int i = 0; i < kProperties; ++i) {
      int p = (first + i) % kProperties;  // the two meet on every property
      absl::StatusOr<std::string> key = keys.KeyFor(absl::StrCat("p", p));
      if (!key.ok() || key->size() != 32) {
        ++failures;
        continue;
      }
      out[p] = *key;
    }
  };
  std::thread ta([&] { run(a, from_a, 0); });
  std::thread tb([&] { run(b, from_b, 0); });
  ta.join();
  tb.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(from_a, from_b);
  // Only the keys are left: no temporary file.
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    EXPECT_EQ(entry.path().extension(), ".key") << entry.path();
    ++files;
  }
  EXPECT_EQ(files, kProperties);
}

TEST_F(ErasureKeysTest, ACrashedWritersLeftoverDoesNotGetInTheWay) {
  std::filesystem::create_directories(dir_);
  const std::string path = (dir_ / absl::StrCat(absl::BytesToHexString("p1"), ".key")).string();
  std::ofstream(path + ".99999.tmp") << "half";
  absl::StatusOr<std::string> key = ErasureKeys(dir_.string()).KeyFor("p1");
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(key->size(), 32u);
}

TEST_F(ErasureKeysTest, AKeyOutlivesItsInstance) {
  absl::StatusOr<std::string> first = ErasureKeys(dir_.string()).KeyFor("p1");
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<std::string> again = ErasureKeys(dir_.string()).KeyFor("p1");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*first, *again);
  EXPECT_NE(*first, ErasureKeys(dir_.string()).KeyFor("p2").value_or(*first));
}

}  // namespace
}  // namespace wa::storage
