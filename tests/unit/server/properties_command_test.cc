// `wa-server properties unrouted` on what Meta sent for numbers and
// accounts nobody owns (the rest of the command is tested on the built
// binary, tests/integration/properties_command_test.cc).
#include "server/properties_command.h"

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "server/domain/property_service.h"
#include "server/storage/notification_repository.h"
#include "tests/unit/server/test_db.h"

namespace wa {
namespace {

std::vector<std::string> Fields(const std::string& line) {
  return absl::StrSplit(line, ' ', absl::SkipEmpty());
}

// Runs the command on `t`'s database and returns its stdout lines.
std::vector<std::string> RunLines(testing::TestDb& t, const std::vector<std::string>& args,
                                  int* exit_code) {
  PropertiesOptions options;
  options.data_dir = t.dir().string();
  options.database_url = t.url();
  ::testing::internal::CaptureStdout();
  *exit_code = RunPropertiesCommand(args, options);
  return absl::StrSplit(::testing::internal::GetCapturedStdout(), '\n', absl::SkipEmpty());
}

TEST(PropertiesCommand, UnroutedCountsWhatMetaSentPerNumberAndAccount) {
  testing::TestDb t;
  storage::NotificationRepository notifications(t.db());
  const absl::Time first = absl::FromUnixSeconds(1767254400);  // 2026-01-01T08:00:00Z
  auto park = [&](const std::string& key, absl::Time at) {
    ASSERT_TRUE(t.db().Transaction([&] { return notifications.InsertParked("{}", at, key); }).ok());
  };
  park("1001", first);
  park("1001", first + absl::Minutes(5));
  park(domain::AccountRouteKey("5001"), first);

  int exit_code = -1;
  std::vector<std::string> lines = RunLines(t, {"unrouted"}, &exit_code);
  EXPECT_EQ(exit_code, 0);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(Fields(lines[0])[0], "KIND");
  EXPECT_EQ(Fields(lines[1]),
            (std::vector<std::string>{"phone_number_id", "1001", "2", "2026-01-01T08:00:00Z",
                                      "2026-01-01T08:05:00Z"}));
  EXPECT_EQ(Fields(lines[2]),
            (std::vector<std::string>{"waba_id", "5001", "1", "2026-01-01T08:00:00Z",
                                      "2026-01-01T08:00:00Z"}));

  // Once the number has an owner, its callbacks are no longer unrouted.
  domain::PropertyService properties(t.db());
  domain::NumberRequest number;
  number.property_id = "paris";
  number.phone_number_id = "1001";
  number.waba_id = "5001";
  ASSERT_TRUE(properties.AddNumber(number).ok());
  lines = RunLines(t, {"unrouted"}, &exit_code);
  EXPECT_EQ(exit_code, 0);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_TRUE(absl::StartsWith(lines[0], "KIND"));
}

}  // namespace
}  // namespace wa
