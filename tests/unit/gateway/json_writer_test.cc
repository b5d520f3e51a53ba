#include "gateway/json_writer.h"

#include <gtest/gtest.h>

#include <limits>

namespace wa::gateway::json {
namespace {

std::string Str(absl::string_view s) {
  std::string out;
  AppendString(&out, s);
  return out;
}

TEST(JsonWriterTest, EscapesWhatJsonRequires) {
  EXPECT_EQ(Str("plain"), "\"plain\"");
  EXPECT_EQ(Str("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(Str("l1\nl2\t\r\b\f"), R"("l1\nl2\t\r\b\f")");
  EXPECT_EQ(Str(absl::string_view("\x01\x00", 2)), R"("\u0001\u0000")");
}

TEST(JsonWriterTest, KeepsUtf8AndReplacesInvalidBytes) {
  EXPECT_EQ(Str("caf\xc3\xa9 \xf0\x9f\x91\x8b"), "\"caf\xc3\xa9 \xf0\x9f\x91\x8b\"");
  EXPECT_EQ(Str("bad\xff!"), "\"bad\xef\xbf\xbd!\"");
  EXPECT_EQ(Str("\xc3"), "\"\xef\xbf\xbd\"");  // truncated sequence
}

TEST(JsonWriterTest, Numbers) {
  std::string out;
  AppendDouble(&out, 23.5);
  out.push_back(' ');
  AppendDouble(&out, 0.1);
  out.push_back(' ');
  AppendDouble(&out, 3);
  out.push_back(' ');
  AppendFloat(&out, 0.1f);
  out.push_back(' ');
  AppendDouble(&out, std::numeric_limits<double>::infinity());
  out.push_back(' ');
  AppendDouble(&out, std::numeric_limits<double>::quiet_NaN());
  out.push_back(' ');
  AppendInt(&out, -42);
  out.push_back(' ');
  AppendUint(&out, 18446744073709551615ull);
  EXPECT_EQ(out, R"(23.5 0.1 3 0.1 "Infinity" "NaN" -42 18446744073709551615)");
}

}  // namespace
}  // namespace wa::gateway::json
