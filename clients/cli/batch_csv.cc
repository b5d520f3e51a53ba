#include "clients/cli/batch_csv.h"

#include <fstream>
#include <iostream>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "hotel/whatsapp/v1/messages.grpc.pb.h"

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

void DrawProgress(const v1::Batch& b) {
  int done = b.sent() + b.failed() + b.cancelled();
  int width = 30;
  int filled = b.total() == 0 ? width : width * done / b.total();
  std::cerr << "\r[" << std::string(filled, '#') << std::string(width - filled, '.') << "] " << done
            << "/" << b.total() << "  sent " << b.sent() << "  delivered " << b.delivered()
            << "  read " << b.read() << "  failed " << b.failed() << std::flush;
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

grpc::Status FollowBatch(const std::shared_ptr<grpc::Channel>& channel, const std::string& token,
                         const std::string& batch_id, v1::Batch* batch) {
  v1::MessagesService::Stub stub(channel);
  while (true) {
    grpc::ClientContext context;
    if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
    v1::GetBatchRequest request;
    request.set_batch_id(batch_id);
    request.set_page_size(1);  // the funnel, not the items
    grpc::Status status = stub.GetBatch(&context, request, batch);
    if (!status.ok()) return status;
    DrawProgress(*batch);
    if (batch->status() != v1::BATCH_STATUS_IN_PROGRESS) {
      std::cerr << "\n";
      return status;
    }
    absl::SleepFor(absl::Milliseconds(500));
  }
}

}  // namespace wa::cli
