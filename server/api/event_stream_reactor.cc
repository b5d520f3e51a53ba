#include "server/api/event_stream_reactor.h"

#include <utility>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "google/protobuf/util/json_util.h"
#include "server/api/proto_mapping.h"
#include "server/api/request_id_interceptor.h"
#include "server/api/status_mapping.h"
#include "server/domain/errors.h"
#include "server/domain/event_outbox.h"
#include "server/util/log.h"
#include "server/util/metrics.h"

namespace wa::api {

namespace v1 = ::hotel::whatsapp::v1;

// What the hub reaches after the reactor may be gone: it takes the
// subscription's next step whenever it is woken, and starts the write or
// the finish outside its lock (gRPC may run OnWriteDone and OnDone inline).
// The reactor is deleted by OnDone, or by a cancel still running then.
class StreamPump : public std::enable_shared_from_this<StreamPump> {
 public:
  StreamPump(EventStreamReactor* reactor, grpc::CallbackServerContext* context,
             domain::EventHub& hub, std::string request_id)
      : reactor_(reactor), context_(context), hub_(hub), request_id_(std::move(request_id)) {}

  void set_subscription(std::shared_ptr<domain::Subscription> s) { subscription_ = std::move(s); }
  const std::shared_ptr<domain::Subscription>& subscription() const { return subscription_; }
  domain::EventHub& hub() const { return hub_; }

  void Pump();
  void WriteDone(bool ok);
  // From the hub: the client stopped reading; tears the call down.
  void Cancel();
  // From OnDone: true when the reactor may be deleted now.
  bool Done();

 private:
  // Under mu_: runs one step; false when there is nothing to do now.
  bool Step() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  EventStreamReactor* const reactor_;
  grpc::CallbackServerContext* const context_;
  domain::EventHub& hub_;
  const std::string request_id_;
  std::shared_ptr<domain::Subscription> subscription_;

  absl::Mutex mu_;
  bool pumping_ ABSL_GUARDED_BY(mu_) = false;
  bool again_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  int cancels_ ABSL_GUARDED_BY(mu_) = 0;
  bool delete_pending_ ABSL_GUARDED_BY(mu_) = false;
  bool writing_event_ ABSL_GUARDED_BY(mu_) = false;
  v1::Event out_;
};

void StreamPump::Pump() {
  absl::MutexLock lock(&mu_);
  if (pumping_) {
    again_ = true;  // the pumping thread takes one more step
    return;
  }
  pumping_ = true;
  do {
    again_ = false;
    while (Step()) {
    }
  } while (again_);
  pumping_ = false;
}

bool StreamPump::Step() {
  if (finished_ || subscription_ == nullptr) return false;
  domain::Subscription::Step step = subscription_->Next();
  switch (step.kind) {
    case domain::Subscription::Step::Kind::kWait:
      hub_.Want(subscription_);
      return false;
    case domain::Subscription::Step::Kind::kEnd:
      finished_ = true;
      mu_.Unlock();
      reactor_->Finish(ToGrpcStatus(step.status, request_id_));
      mu_.Lock();
      return false;
    case domain::Subscription::Step::Kind::kEvent:
      // Encoded once by the hub for every subscriber (EncodeEvent).
      if (step.event->encoded.empty() || !out_.ParseFromString(step.event->encoded)) {
        ToEvent(step.event->record, &out_);
      }
      writing_event_ = true;
      break;
    case domain::Subscription::Step::Kind::kKeepAlive:
      out_.Clear();
      out_.set_cursor(step.cursor);
      writing_event_ = false;
      break;
  }
  mu_.Unlock();
  reactor_->StartWrite(&out_);
  mu_.Lock();
  return true;
}

void StreamPump::WriteDone(bool ok) {
  {
    absl::MutexLock lock(&mu_);
    if (ok && writing_event_) util::Metrics::Global().CountEventsStreamed(1);
  }
  if (!ok) subscription_->End(absl::CancelledError("the client went away"));
  subscription_->WriteDone();
  Pump();
}

void StreamPump::Cancel() {
  {
    absl::MutexLock lock(&mu_);
    if (done_) return;
    ++cancels_;
  }
  context_->TryCancel();
  bool remove = false;
  {
    absl::MutexLock lock(&mu_);
    remove = --cancels_ == 0 && delete_pending_;
  }
  if (remove) delete reactor_;
}

bool StreamPump::Done() {
  absl::MutexLock lock(&mu_);
  done_ = true;
  delete_pending_ = cancels_ > 0;
  return !delete_pending_;
}

absl::StatusOr<domain::EventFilter> ParseEventFilter(
    const google::protobuf::RepeatedPtrField<std::string>& events,
    const std::string& conversation_id) {
  domain::EventFilter filter;
  filter.conversation_id = conversation_id;
  for (const std::string& entry : events) {
    for (absl::string_view kind : absl::StrSplit(entry, ',', absl::SkipWhitespace())) {
      kind = absl::StripAsciiWhitespace(kind);
      if (!domain::IsWebhookEvent(kind)) {
        return domain::InvalidArgument(
            absl::StrCat("unknown event \"", kind,
                         "\"; events are: ", absl::StrJoin(domain::WebhookEventNames(), ", ")),
            "events");
      }
      filter.events.emplace_back(kind);
    }
  }
  return filter;
}

std::string EncodeEvent(const storage::StreamEventRecord& in) {
  v1::Event event;
  ToEvent(in, &event);
  return event.SerializeAsString();
}

void ToEvent(const storage::StreamEventRecord& in, v1::Event* out) {
  out->Clear();
  out->set_cursor(in.cursor);
  out->set_event(in.event);
  out->set_event_id(in.event_id);
  SetTimestamp(in.created_at, out->mutable_created_at());
  out->set_conversation_id(in.conversation_id);
  // Stored by the outbox from a JSON object, so it parses.
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  if (!google::protobuf::util::JsonStringToMessage(in.data, out->mutable_data(), options).ok()) {
    out->clear_data();
  }
}

EventStreamReactor::EventStreamReactor(grpc::CallbackServerContext* context,
                                       const Authenticator& auth, domain::EventHub& hub,
                                       const v1::StreamEventsRequest& request)
    : pump_(std::make_shared<StreamPump>(this, context, hub, RequestIdOf(*context))) {
  const std::string request_id = RequestIdOf(*context);
  util::ScopedRequestId scoped(request_id);
  absl::StatusOr<domain::Caller> caller = auth.Authorize(*context, v1::ROLE_STAFF);
  if (!caller.ok()) {
    Finish(ToGrpcStatus(caller.status(), request_id));
    return;
  }
  absl::StatusOr<domain::EventFilter> filter =
      ParseEventFilter(request.events(), request.conversation_id());
  if (!filter.ok()) {
    Finish(ToGrpcStatus(filter.status(), request_id));
    return;
  }
  std::optional<int64_t> after;
  if (request.has_after_cursor()) {
    if (request.after_cursor() < 0) {
      Finish(
          ToGrpcStatus(domain::InvalidArgument("after_cursor must not be negative", "after_cursor"),
                       request_id));
      return;
    }
    after = request.after_cursor();
  }
  std::weak_ptr<StreamPump> weak = pump_;
  absl::StatusOr<std::shared_ptr<domain::Subscription>> subscription = hub.Subscribe(
      caller->property_id, *std::move(filter), after,
      [weak] {
        if (std::shared_ptr<StreamPump> pump = weak.lock()) pump->Pump();
      },
      [weak] {
        if (std::shared_ptr<StreamPump> pump = weak.lock()) pump->Cancel();
      });
  if (!subscription.ok()) {
    Finish(ToGrpcStatus(subscription.status(), request_id));
    return;
  }
  pump_->set_subscription(*subscription);
  pump_->Pump();
}

void EventStreamReactor::OnWriteDone(bool ok) { pump_->WriteDone(ok); }

void EventStreamReactor::OnCancel() {
  if (pump_->subscription() == nullptr) return;
  pump_->subscription()->End(absl::CancelledError("the call was cancelled"));
  pump_->Pump();
}

void EventStreamReactor::OnDone() {
  if (pump_->subscription() != nullptr) pump_->hub().Unsubscribe(pump_->subscription());
  if (pump_->Done()) delete this;
}

}  // namespace wa::api
