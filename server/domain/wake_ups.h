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

#include "absl/time/time.h"

namespace wa::domain {

// One interface per kind of work, all of the same shape: the kind makes
// each a type of its own, so a part can only be handed the waker it is
// meant to call.
template <typename Kind>
class Waker {
 public:
  virtual ~Waker() = default;
  virtual void Wake() = 0;
  // New work due at a time: a worker that will look by then anyway may
  // stay asleep.
  virtual void WakeBy(absl::Time /*due*/) { Wake(); }
};

// A message was queued to go now: workers::SendQueue claims it. Called by
// MessagingService and workers::ScheduleReleaser.
using SendQueueWaker = Waker<struct SendQueueWork>;

// A message was stored as scheduled, or moved: workers::ScheduleReleaser
// looks at the next release time. Called by MessagingService and
// ScheduleService.
using ScheduleWaker = Waker<struct ScheduleWork>;

// A batch was accepted: workers::BatchRunner releases its items. Called by
// BatchService.
using BatchWaker = Waker<struct BatchWork>;

// The provider announced statuses to come (the sandbox's follow-ups):
// workers::StatusTimer applies them when due. Called by workers::SendQueue.
using StatusTimerWaker = Waker<struct StatusTimerWork>;

// A transaction recorded events (EventOutbox, after its commit): the
// webhook delivery (workers::WebhookDelivery) and the live streams
// (EventHub) read them. Called by every service that emits events and by
// workers::SendQueue; app.cc's EventFollowers wakes both.
using EventWaker = Waker<struct EventWork>;

// A Meta callback was stored raw (NotificationInbox):
// workers::NotificationProcessor parses and applies it. Called by
// api::ProviderCallbacksApi.
using NotificationWaker = Waker<struct NotificationWork>;

// An inbound message was stored with rules still to run on it:
// workers::AutomationWorker evaluates them (README, "Automation"). Called by
// InboundService.
using AutomationWaker = Waker<struct AutomationWork>;

}  // namespace wa::domain
