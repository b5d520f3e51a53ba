#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "server/domain/consent_service.h"
#include "server/domain/guest_directory.h"
#include "server/domain/inbound_service.h"
#include "server/domain/property_service.h"
#include "server/domain/status_service.h"
#include "server/domain/template_service.h"
#include "server/domain/wake_ups.h"
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
// backwards).
//
// Callbacks are routed to the property that owns the number they name
// (value.metadata.phone_number_id); template reviews to every property
// with a number in the business account (entry[].id). What names a number
// or account nobody owns is kept, parked under it (never marked done), and
// released when the number is added (PropertyService::AddNumber).
class NotificationProcessor : public domain::NotificationWaker {
 public:
  NotificationProcessor(storage::Database& db, domain::PropertyService& properties,
                        domain::InboundService& inbound, domain::StatusService& statuses,
                        domain::ConsentService& consent, domain::TemplateService& templates,
                        GuestMediaFetcher* media = nullptr);

  void Start() { poller_.Start(); }
  void Wake() override { poller_.Wake(); }
  void Stop() { poller_.Stop(); }

 private:
  // Where a notification's items go, decided once, before it is applied:
  // an item is applied or parked, never neither.
  struct Routes {
    std::map<std::string, domain::SenderNumber> numbers;       // by phone_number_id
    std::map<std::string, std::vector<std::string>> accounts;  // WABA -> properties
    std::set<std::string> unrouted;  // routing keys nobody owns (domain::AccountRouteKey)
  };
  // One notification, parsed and routed.
  struct Parsed {
    const storage::NotificationRecord* record;
    absl::StatusOr<provider::MetaNotification> notification;
    Routes routes;
  };

  absl::Duration Tick();
  // Routes the items of `n`; reads the registry again once per round before
  // calling a key unknown (a number just added).
  Routes Route(const provider::MetaNotification& n, bool& refreshed);
  // Fetches the guests' files a notification names; false when it must
  // wait for a later round.
  bool FetchMedia(const storage::NotificationRecord& record,
                  provider::MetaNotification& notification, const Routes& routes);
  absl::Status Process(Parsed& parsed);
  absl::Status Apply(const provider::MetaNotification& notification, const Routes& routes,
                     absl::Time received_at);
  // Meta's user_id_update (a guest's new BSUID, followed) and statuses that
  // name both of a guest's ids (linked).
  absl::Status ApplyGuestIds(const provider::MetaNotification& notification, const Routes& routes);
  // System messages: a guest's new phone number or BSUID, followed.
  absl::Status ApplyIdentityChanges(const provider::MetaNotification& notification,
                                    const Routes& routes);
  // Keeps what cannot be applied under `key`, listed by `properties unrouted`.
  absl::Status Park(const std::string& key, const std::string& body, absl::Time received_at);

  storage::Database& db_;
  domain::PropertyService& properties_;
  domain::InboundService& inbound_;
  domain::StatusService& statuses_;
  domain::ConsentService& consent_;
  domain::TemplateService& templates_;
  GuestMediaFetcher* media_;
  domain::GuestDirectory directory_;
  storage::NotificationRepository notifications_;
  Poller poller_;
};

}  // namespace wa::workers
