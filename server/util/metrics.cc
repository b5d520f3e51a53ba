#include "server/util/metrics.h"

#include "absl/strings/str_cat.h"

namespace wa::util {
namespace {

// Upper bounds in seconds: 100 us to 10 s.
constexpr double kBounds[] = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                              0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};
constexpr size_t kBuckets = sizeof(kBounds) / sizeof(kBounds[0]);

void Header(std::string& out, absl::string_view name, absl::string_view help,
            absl::string_view type) {
  absl::StrAppend(&out, "# HELP ", name, " ", help, "\n# TYPE ", name, " ", type, "\n");
}

}  // namespace

Metrics& Metrics::Global() {
  static auto* metrics = new Metrics();
  return *metrics;
}

void Metrics::Observe(Histogram& h, absl::Duration latency) {
  if (h.buckets.empty()) h.buckets.assign(kBuckets, 0);
  double seconds = absl::ToDoubleSeconds(latency);
  for (size_t i = 0; i < kBuckets; ++i) {
    if (seconds <= kBounds[i]) {
      ++h.buckets[i];
      break;
    }
  }
  ++h.count;
  h.sum += seconds;
}

void Metrics::CountRequest(absl::string_view method, absl::string_view code,
                           absl::Duration latency) {
  absl::MutexLock lock(&mu_);
  ++requests_[{std::string(method), std::string(code)}];
  Observe(request_latency_[std::string(method)], latency);
}

void Metrics::CountProviderError(int code) {
  absl::MutexLock lock(&mu_);
  ++provider_errors_[code];
}

void Metrics::CountMediaFileError(absl::string_view reason) {
  absl::MutexLock lock(&mu_);
  ++media_file_errors_[std::string(reason)];
}

void Metrics::CountRetentionRemoved(absl::string_view what, int64_t count) {
  absl::MutexLock lock(&mu_);
  retention_removed_[std::string(what)] += count;
}

void Metrics::ObserveCommit(absl::Duration latency, int transactions) {
  absl::MutexLock lock(&mu_);
  Observe(commit_latency_, latency);
  committed_transactions_ += transactions;
}

void Metrics::RenderHistogram(std::string& out, absl::string_view name, absl::string_view labels,
                              const Histogram& h) {
  int64_t cumulative = 0;
  std::string sep = labels.empty() ? "" : ",";
  for (size_t i = 0; i < kBuckets; ++i) {
    cumulative += h.buckets.empty() ? 0 : h.buckets[i];
    absl::StrAppend(&out, name, "_bucket{", labels, sep, "le=\"", kBounds[i], "\"} ", cumulative,
                    "\n");
  }
  absl::StrAppend(&out, name, "_bucket{", labels, sep, "le=\"+Inf\"} ", h.count, "\n");
  std::string braces = labels.empty() ? "" : absl::StrCat("{", labels, "}");
  absl::StrAppend(&out, name, "_sum", braces, " ", h.sum, "\n", name, "_count", braces, " ",
                  h.count, "\n");
}

void Metrics::SetOpenEventStreams(int64_t open) {
  absl::MutexLock lock(&mu_);
  open_event_streams_ = open;
}

void Metrics::CountEventsStreamed(int64_t events) {
  absl::MutexLock lock(&mu_);
  events_streamed_ += events;
}

void Metrics::CountEventStreamTooSlow() {
  absl::MutexLock lock(&mu_);
  ++event_streams_too_slow_;
}

std::string Metrics::Render(const std::vector<Gauge>& gauges) const {
  std::string out;
  absl::MutexLock lock(&mu_);
  Header(out, "wa_requests_total", "RPCs finished, REST included, by method and status code",
         "counter");
  for (const auto& [key, count] : requests_) {
    absl::StrAppend(&out, "wa_requests_total{method=\"", key.first, "\",code=\"", key.second,
                    "\"} ", count, "\n");
  }
  Header(out, "wa_request_duration_seconds", "RPC latency by method", "histogram");
  for (const auto& [method, h] : request_latency_) {
    RenderHistogram(out, "wa_request_duration_seconds", absl::StrCat("method=\"", method, "\""), h);
  }
  Header(out, "wa_provider_errors_total", "sends the provider refused, by Meta's error code",
         "counter");
  for (const auto& [code, count] : provider_errors_) {
    absl::StrAppend(&out, "wa_provider_errors_total{code=\"", code, "\"} ", count, "\n");
  }
  Header(out, "wa_media_file_errors_total",
         "media downloads refused because the stored file was missing or unreadable", "counter");
  for (const auto& [reason, count] : media_file_errors_) {
    absl::StrAppend(&out, "wa_media_file_errors_total{reason=\"", reason, "\"} ", count, "\n");
  }
  Header(out, "wa_retention_removed_total",
         "what the retention worker removed past each property's retention (rows; message "
         "contents; media files)",
         "counter");
  for (const auto& [what, count] : retention_removed_) {
    absl::StrAppend(&out, "wa_retention_removed_total{what=\"", what, "\"} ", count, "\n");
  }
  Header(out, "wa_sqlite_commit_duration_seconds", "SQLite commits (each one fsync)", "histogram");
  RenderHistogram(out, "wa_sqlite_commit_duration_seconds", "", commit_latency_);
  Header(out, "wa_sqlite_transactions_total",
         "transactions committed (over the commits' count: transactions per fsync)", "counter");
  absl::StrAppend(&out, "wa_sqlite_transactions_total ", committed_transactions_, "\n");
  Header(out, "wa_event_streams_open", "live event streams open (gRPC and SSE)", "gauge");
  absl::StrAppend(&out, "wa_event_streams_open ", open_event_streams_, "\n");
  Header(out, "wa_events_streamed_total", "events written to live event streams", "counter");
  absl::StrAppend(&out, "wa_events_streamed_total ", events_streamed_, "\n");
  Header(out, "wa_event_streams_too_slow_total",
         "event streams ended because their client read too slowly (SUBSCRIBER_TOO_SLOW)",
         "counter");
  absl::StrAppend(&out, "wa_event_streams_too_slow_total ", event_streams_too_slow_, "\n");
  for (const Gauge& g : gauges) {
    Header(out, g.name, g.help, "gauge");
    for (const auto& [labels, value] : g.samples) {
      absl::StrAppend(&out, g.name, labels.empty() ? "" : absl::StrCat("{", labels, "}"), " ",
                      value, "\n");
    }
  }
  return out;
}

}  // namespace wa::util
