#include "server/util/status_macros.h"

#include <string>

#include "gtest/gtest.h"

namespace wa::util {
namespace {

int calls = 0;

absl::Status Step(bool ok) {
  ++calls;
  return ok ? absl::OkStatus() : absl::NotFoundError("step");
}

absl::StatusOr<std::string> Value(bool ok) {
  if (!ok) return absl::InvalidArgumentError("value");
  return std::string("v");
}

absl::Status TwoSteps(bool first, bool second) {
  RETURN_IF_ERROR(Step(first));
  RETURN_IF_ERROR(Step(second));
  return absl::OkStatus();
}

absl::StatusOr<std::string> Joined(bool first, bool second) {
  ASSIGN_OR_RETURN(std::string a, Value(first));
  ASSIGN_OR_RETURN(std::string b, Value(second));
  return a + b;
}

TEST(StatusMacrosTest, ReturnIfErrorStopsAtTheFirstError) {
  calls = 0;
  EXPECT_TRUE(TwoSteps(true, true).ok());
  EXPECT_EQ(calls, 2);
  calls = 0;
  EXPECT_EQ(TwoSteps(false, true).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(calls, 1);
}

TEST(StatusMacrosTest, AssignOrReturnAssignsOrPassesTheErrorOn) {
  EXPECT_EQ(*Joined(true, true), "vv");
  absl::StatusOr<std::string> failed = Joined(true, false);
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(failed.status().message(), "value");
}

}  // namespace
}  // namespace wa::util
