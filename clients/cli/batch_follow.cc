#include "clients/cli/batch_follow.h"

#include <iostream>
#include <map>

#include "absl/time/clock.h"
#include "gateway/enum_spelling.h"
#include "hotel/whatsapp/v1/messages.grpc.pb.h"

namespace wa::cli {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

// Items shown one by one; a larger batch shows its funnel only.
constexpr int kMaxFollowedItems = 1000;
// How long after completion the provider's statuses are waited for.
constexpr absl::Duration kSettle = absl::Seconds(30);
constexpr absl::Duration kPollInterval = absl::Milliseconds(300);

void DrawProgress(const v1::Batch& b) {
  int done = b.sent() + b.failed() + b.cancelled();
  int width = 30;
  int filled = b.total() == 0 ? width : width * done / b.total();
  std::cerr << "\r[" << std::string(filled, '#') << std::string(width - filled, '.') << "] " << done
            << "/" << b.total() << "  sent " << b.sent() << "  delivered " << b.delivered()
            << "  read " << b.read() << "  failed " << b.failed() << std::flush;
}

// One line per item whose status changed since the last poll.
void ShowChanges(const v1::Batch& b, std::map<int, v1::BatchItemStatus>* seen) {
  for (const v1::BatchItem& item : b.items()) {
    auto [it, added] = seen->emplace(item.index(), item.status());
    if (!added && it->second == item.status()) continue;
    it->second = item.status();
    std::cerr << "\r\033[K#" << item.index() << " "
              << (item.phone().empty() ? item.guest_user_id() : item.phone()) << " "
              << *gateway::EnumSpelling::For(v1::BatchItemStatus_descriptor()).Name(item.status());
    if (!item.message_id().empty()) std::cerr << " " << item.message_id();
    if (!item.error_code().empty()) {
      std::cerr << " " << item.error_code() << ": " << item.error_message();
    }
    std::cerr << "\n";
  }
}

}  // namespace

grpc::Status FollowBatch(const std::shared_ptr<grpc::Channel>& channel, const std::string& token,
                         const std::string& batch_id, v1::Batch* batch) {
  v1::MessagesService::Stub stub(channel);
  std::map<int, v1::BatchItemStatus> seen;
  absl::Time settle_until = absl::InfiniteFuture();
  while (true) {
    grpc::ClientContext context;
    if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
    v1::GetBatchRequest request;
    request.set_batch_id(batch_id);
    request.set_page_size(kMaxFollowedItems);
    grpc::Status status = stub.GetBatch(&context, request, batch);
    if (!status.ok()) return status;
    ShowChanges(*batch, &seen);
    DrawProgress(*batch);
    if (batch->status() != v1::BATCH_STATUS_IN_PROGRESS) {
      if (settle_until == absl::InfiniteFuture()) settle_until = absl::Now() + kSettle;
      if (batch->queued() == 0 || absl::Now() >= settle_until) {
        std::cerr << "\n";
        return status;
      }
    }
    absl::SleepFor(kPollInterval);
  }
}

}  // namespace wa::cli
