#pragma once

#include <map>
#include <string>

#include "server/domain/consent_service.h"
#include "server/domain/inbound_service.h"
#include "server/domain/status_service.h"
#include "server/domain/template_service.h"
#include "server/provider/meta_callback_parser.h"
#include "server/storage/database.h"
#include "server/storage/notification_repository.h"
#include "server/workers/guest_media_fetcher.h"
#include "server/workers/poller.h"

namespace wa::workers {

// Applies Meta's stored notifications: inbound messages, statuses and
// marketing preferences, each notification in one transaction together
// with marking it processed, so a crash can only make it run again, which
// changes nothing (inbound messages dedupe by wamid, statuses never move
// backwards). Callbacks are routed to a property by phone_number_id;
// template reviews by the WhatsApp Business Account id.
class NotificationProcessor {
 public:
  NotificationProcessor(storage::Database& db,
                        std::map<std::string, std::string> property_by_number,
                        std::map<std::string, std::string> property_by_account,
                        domain::InboundService& inbound, domain::StatusService& statuses,
                        domain::ConsentService& consent, domain::TemplateService& templates,
                        GuestMediaFetcher* media = nullptr);

  void Start() { poller_.Start(); }
  void Wake() { poller_.Wake(); }
  void Stop() { poller_.Stop(); }

 private:
  absl::Duration Tick();
  // Fetches the guests' files a notification names; false when it must
  // wait for a later round.
  bool FetchMedia(const storage::NotificationRecord& record,
                  provider::MetaNotification& notification);
  absl::Status Apply(const provider::MetaNotification& notification);
  const std::string* PropertyFor(const std::string& phone_number_id) const;
  const std::string* PropertyForAccount(const std::string& waba_id) const;

  storage::Database& db_;
  std::map<std::string, std::string> property_by_number_;
  std::map<std::string, std::string> property_by_account_;
  domain::InboundService& inbound_;
  domain::StatusService& statuses_;
  domain::ConsentService& consent_;
  domain::TemplateService& templates_;
  GuestMediaFetcher* media_;
  storage::NotificationRepository notifications_;
  Poller poller_;
};

}  // namespace wa::workers
