// The notifications a test has the fake post as Meta would, beside the
// status callbacks that follow each send (fake_graph_api.cc): a guest's
// inbound message, by phone or by business-scoped user id, and a change
// of a guest's user id.
#include <atomic>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/fakes/fake_graph_api.h"
#include "tests/fakes/fake_meta_shapes.h"

namespace wa::fakes {

int FakeGraphApi::PostNotification(const std::string& raw_json) {
  return webhook_.PostNow(raw_json);
}

std::string FakeGraphApi::InboundGuestNotification(const InboundGuest& guest,
                                                   absl::string_view text,
                                                   absl::string_view wamid) const {
  FakeNumber n = Numbers().front();
  BusinessNumber number{n.waba_id, n.phone_number_id, n.display_phone_number};
  return MetaDump(wa::fakes::InboundGuestTextNotification(number, guest, text, wamid, absl::Now()));
}

std::string FakeGraphApi::UserIdUpdate(absl::string_view wa_id, absl::string_view previous,
                                       absl::string_view current) const {
  FakeNumber n = Numbers().front();
  BusinessNumber number{n.waba_id, n.phone_number_id, n.display_phone_number};
  return MetaDump(
      wa::fakes::UserIdUpdateNotification(number, wa_id, previous, current, absl::Now()));
}

std::string FakeGraphApi::InboundTextNotification(absl::string_view from_wa_id,
                                                  absl::string_view profile_name,
                                                  absl::string_view text, absl::string_view wamid,
                                                  const std::string& phone_number_id) const {
  FakeNumber n = FindNumber(phone_number_id).value_or(Numbers().front());
  BusinessNumber number{n.waba_id, n.phone_number_id, n.display_phone_number};
  std::string id(wamid);
  if (id.empty()) {
    // const: ids for inbound messages only need to be unique, not counted.
    static std::atomic<int64_t> inbound{0};
    id = absl::StrCat("wamid.", absl::Base64Escape(absl::StrCat("FAKEIN", nonce_, ":", from_wa_id,
                                                                ":", inbound.fetch_add(1))));
  }
  return MetaDump(wa::fakes::InboundTextNotification(number, std::string(from_wa_id),
                                                     std::string(profile_name), std::string(text),
                                                     id, absl::Now()));
}

}  // namespace wa::fakes
