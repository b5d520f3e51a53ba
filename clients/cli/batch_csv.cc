#include "clients/cli/batch_csv.h"

#include <fstream>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "hotel/whatsapp/v1/messages.pb.h"

namespace wa::cli {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

// One CSV line into its fields (RFC 4180 quoting, one line per record).
std::vector<std::string> SplitCsvLine(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
      fields.back() += '"';
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      fields.emplace_back();
    } else if (c != '\r') {
      fields.back() += c;
    }
  }
  return fields;
}

}  // namespace

absl::StatusOr<v1::BatchSendMessagesRequest> ReadBatchCsv(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::InvalidArgumentError("--csv: cannot read " + path);
  v1::BatchSendMessagesRequest request;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    std::vector<std::string> fields = SplitCsvLine(line);
    if (number == 1 && absl::AsciiStrToLower(fields[0]) == "phone") continue;  // header
    if (fields.size() != 2) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ":", number, ": expected phone,content"));
    }
    v1::BatchMessage* m = request.add_messages();
    m->set_phone(std::string(absl::StripAsciiWhitespace(fields[0])));
    m->set_content(fields[1]);
  }
  return request;
}

}  // namespace wa::cli
