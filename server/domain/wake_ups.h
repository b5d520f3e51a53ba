#pragma once

// The wake-ups that cross from one part of the service to another after a
// commit, one named interface each. The domain owns them because the domain
// (or a layer above it) calls them; the worker that does the work implements
// it (server/workers/), and app.cc hands the worker to the caller. So the
// send path reads as types: MessagingService stores a message, then calls
// its SendQueueWaker, which is workers::SendQueue.
//
// Each one only wakes a poller: the work itself is found in the database,
// so a lost wake-up costs a poll interval, never a message.

namespace wa::domain {

// A message was queued to go now: workers::SendQueue claims it. Called by
// MessagingService and workers::ScheduleReleaser.
class SendQueueWaker {
 public:
  virtual ~SendQueueWaker() = default;
  virtual void Wake() = 0;
};

// A message was stored as scheduled, or moved: workers::ScheduleReleaser
// looks at the next release time. Called by MessagingService and
// ScheduleService.
class ScheduleWaker {
 public:
  virtual ~ScheduleWaker() = default;
  virtual void Wake() = 0;
};

// A batch was accepted: workers::BatchRunner releases its items. Called by
// BatchService.
class BatchWaker {
 public:
  virtual ~BatchWaker() = default;
  virtual void Wake() = 0;
};

// The provider announced statuses to come (the sandbox's follow-ups):
// workers::StatusTimer applies them when due. Called by workers::SendQueue.
class StatusTimerWaker {
 public:
  virtual ~StatusTimerWaker() = default;
  virtual void Wake() = 0;
};

// A transaction recorded events (EventOutbox, after its commit): the
// webhook delivery (workers::WebhookDelivery) and the live streams
// (EventHub) read them. Called by every service that emits events and by
// workers::SendQueue; app.cc's EventFollowers wakes both.
class EventWaker {
 public:
  virtual ~EventWaker() = default;
  virtual void Wake() = 0;
};

// A Meta callback was stored raw (NotificationInbox):
// workers::NotificationProcessor parses and applies it. Called by
// api::ProviderCallbacksApi.
class NotificationWaker {
 public:
  virtual ~NotificationWaker() = default;
  virtual void Wake() = 0;
};

// An inbound message was stored with rules still to run on it:
// workers::AutomationWorker evaluates them (README, "Automation"). Called by
// InboundService.
class AutomationWaker {
 public:
  virtual ~AutomationWaker() = default;
  virtual void Wake() = 0;
};

}  // namespace wa::domain
