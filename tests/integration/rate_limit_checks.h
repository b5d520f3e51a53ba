#pragma once

#include <cmath>
#include <string>

#include "gtest/gtest.h"
#include "httplib.h"
#include "nlohmann/json.hpp"

namespace wa::testing {

// A REST request refused for its token's budget, as the contract answers
// it: 429, RATE_LIMIT_EXCEEDED with scope "token", retry_after_seconds in
// (0, max_retry_after] and the same wait, rounded up, in Retry-After.
inline void ExpectTokenBudgetRefusal(const httplib::Result& refused, double max_retry_after) {
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 429);
  nlohmann::json error = nlohmann::json::parse(refused->body)["error"];
  EXPECT_EQ(error["code"], "RATE_LIMIT_EXCEEDED");
  EXPECT_EQ(error["details"]["scope"], "token");
  double retry_after = error["details"]["retry_after_seconds"].get<double>();
  EXPECT_GT(retry_after, 0);
  EXPECT_LE(retry_after, max_retry_after);
  EXPECT_EQ(refused->get_header_value("Retry-After"),
            std::to_string(static_cast<int>(std::ceil(retry_after))));
}

}  // namespace wa::testing
