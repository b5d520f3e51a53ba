#include "server/domain/template_service.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/nearest_name.h"
#include "google/protobuf/util/message_differencer.h"
#include "server/domain/errors.h"
#include "server/domain/lifecycle_events.h"
#include "server/domain/paging.h"
#include "server/domain/starter_templates.h"
#include "server/domain/template_rendering.h"
#include "server/domain/template_rules.h"
#include "server/util/log.h"
#include "server/util/status_macros.h"

namespace wa::domain {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

// A stored template with no review pending.
storage::TemplateRecord RecordOf(const std::string& property_id, v1::Template definition) {
  storage::TemplateRecord record;
  record.property_id = property_id;
  record.definition = std::move(definition);
  return record;
}

constexpr int kReviewBatch = 32;
// Approved templates looked through for a refused send's suggestions.
constexpr int kMaxSuggestionScan = 1000;

void Stamp(v1::Template& t, absl::Time at, bool created) {
  int64_t seconds = absl::ToUnixSeconds(at);
  if (created) t.mutable_created_at()->set_seconds(seconds);
  t.mutable_updated_at()->set_seconds(seconds);
}

std::string StatusWord(v1::TemplateStatus status) {
  return v1::TemplateStatus_Name(status).substr(sizeof("TEMPLATE_STATUS_") - 1);
}

// What the property has approved that is closest to a request that found
// nothing: the name in other languages, and names a typo away.
struct Closest {
  std::vector<std::string> languages;
  std::vector<std::string> names;
};

Closest ClosestApproved(const std::vector<storage::TemplateRecord>& approved,
                        const std::string& name) {
  Closest out;
  std::vector<std::string> names;
  for (const storage::TemplateRecord& r : approved) {
    if (r.definition.name() == name) {
      out.languages.push_back(r.definition.language());
    } else if (std::find(names.begin(), names.end(), r.definition.name()) == names.end()) {
      names.push_back(r.definition.name());
    }
  }
  out.names = NearestNames(name, names, 3);
  return out;
}

absl::Status TemplateNotFound(const std::string& name, const std::string& language,
                              const v1::Template* found, const Closest& closest) {
  std::string message = found == nullptr
                            ? absl::StrCat("template ", name, " (", language, ") not found")
                            : absl::StrCat("template ", name, " (", language, ") is ",
                                           StatusWord(found->status()), ", not APPROVED");
  Error error(absl::StatusCode::kNotFound, "TEMPLATE_NOT_FOUND", message);
  error.Detail("template_name", name).Detail("language", language);
  if (found != nullptr) {
    error.Detail("status", StatusWord(found->status()));
    if (!found->rejection_reason().empty()) {
      error.Detail("rejection_reason", found->rejection_reason());
    }
  }
  error.Detail("approved_languages", closest.languages);
  error.Detail("suggested_templates", closest.names);
  std::vector<std::string> recovery;
  for (const std::string& l : closest.languages) {
    recovery.push_back(absl::StrCat("Use language \"", l, "\": ", name, " is approved in it"));
  }
  for (const std::string& n : closest.names) {
    recovery.push_back(absl::StrCat("Did you mean template \"", n, "\"?"));
  }
  recovery.push_back("List the approved templates: GET /api/v1/whatsapp/templates?status=APPROVED");
  error.Recovery(recovery);
  return error;
}

std::string EncodePageToken(const v1::Template& last) {
  return absl::WebSafeBase64Escape(absl::StrCat(last.name(), "\n", last.language()));
}

absl::Status DecodePageToken(const std::string& token, storage::TemplateFilter& filter) {
  std::string raw;
  std::vector<std::string> parts;
  if (absl::WebSafeBase64Unescape(token, &raw)) parts = absl::StrSplit(raw, '\n');
  if (parts.size() != 2) {
    return InvalidArgument("page_token is not a token this service issued", "page_token");
  }
  filter.after_name = parts[0];
  filter.after_language = parts[1];
  return absl::OkStatus();
}

// A provider's copy of a template, completed with what we derive and what
// only we keep (labels, examples, names of positional parameters).
v1::Template Merge(v1::Template remote, const std::optional<storage::TemplateRecord>& local) {
  std::vector<std::string> names;
  if (local) {
    remote.mutable_labels()->CopyFrom(local->definition.labels());
    *remote.mutable_example() = local->definition.example();
    *remote.mutable_created_at() = local->definition.created_at();
    if (local->definition.parameter_format() == "POSITIONAL") {
      names.assign(local->definition.parameters().begin(), local->definition.parameters().end());
    }
  }
  v1::TemplateStatus status = remote.status();
  std::string reason = remote.rejection_reason();
  absl::StatusOr<v1::Template> checked = CheckTemplate(remote, names);
  if (!checked.ok() && !names.empty()) checked = CheckTemplate(remote, {});
  if (checked.ok()) remote = *std::move(checked);
  remote.set_status(status);
  remote.set_rejection_reason(reason);
  return remote;
}

}  // namespace

absl::Status TemplateService::SeedInTransaction(const std::string& property_id) {
  absl::StatusOr<bool> seeded = templates_.Seeded(property_id);
  if (!seeded.ok() || *seeded) return seeded.status();
  absl::Time now = absl::Now();
  for (v1::Template draft : StarterTemplates()) {
    absl::StatusOr<v1::Template> t = CheckTemplate(std::move(draft), {});
    if (!t.ok()) return t.status();  // a bug in the starter catalog
    t->set_status(v1::TEMPLATE_STATUS_APPROVED);
    Stamp(*t, now, /*created=*/true);
    // A property may already hold a template of that name (a submission
    // made before the catalog): it is kept.
    absl::Status s = templates_.Insert(RecordOf(property_id, *t));
    if (!s.ok() && s.code() != absl::StatusCode::kAlreadyExists) return s;
  }
  return templates_.MarkSeeded(property_id, now);
}

absl::Status TemplateService::EnsureCatalog(const std::string& property_id) {
  if (!options_.starter_catalog) return absl::OkStatus();
  {
    absl::MutexLock lock(&mu_);
    if (seeded_.contains(property_id)) return absl::OkStatus();
  }
  absl::Status s = db_.Transaction([&] { return SeedInTransaction(property_id); });
  if (!s.ok()) return s;
  absl::MutexLock lock(&mu_);
  seeded_.insert(property_id);
  return absl::OkStatus();
}

std::vector<std::string> TemplateService::SuggestInTransaction(const std::string& property_id) {
  if (options_.starter_catalog) SeedInTransaction(property_id).IgnoreError();
  storage::TemplateFilter filter;
  filter.property_id = property_id;
  filter.status = v1::TEMPLATE_STATUS_APPROVED;
  filter.limit = 20;
  absl::StatusOr<std::vector<storage::TemplateRecord>> approved = templates_.List(filter);
  std::vector<std::string> names;
  if (!approved.ok()) return names;
  // Utility templates first: they suit a conversation that has lapsed.
  std::stable_sort(approved->begin(), approved->end(), [](const auto& a, const auto& b) {
    return a.definition.category() < b.definition.category();
  });
  for (const storage::TemplateRecord& r : *approved) {
    if (std::find(names.begin(), names.end(), r.definition.name()) == names.end()) {
      names.push_back(r.definition.name());
    }
  }
  return names;
}

absl::StatusOr<v1::Template> TemplateService::Submit(
    const std::string& property_id, v1::Template draft,
    const std::vector<std::string>& parameter_names) {
  if (auto s = EnsureCatalog(property_id); !s.ok()) return s;
  draft.clear_status();
  draft.clear_rejection_reason();
  draft.clear_provider_template_id();
  absl::StatusOr<v1::Template> checked = CheckTemplate(std::move(draft), parameter_names);
  if (!checked.ok()) return checked.status();
  absl::StatusOr<std::optional<storage::TemplateRecord>> existing = storage::ReadValue(
      db_, [&] { return templates_.Get(property_id, checked->name(), checked->language()); });
  if (!existing.ok()) return existing.status();
  if (*existing) {
    return Error(absl::StatusCode::kAlreadyExists, "ALREADY_EXISTS",
                 absl::StrCat("template ", checked->name(), " (", checked->language(),
                              ") already exists"))
        .Detail("template_name", checked->name())
        .Detail("language", checked->language())
        .Detail("status", StatusWord((*existing)->definition.status()));
  }
  absl::StatusOr<SenderNumber> account = AccountOf(property_id);
  if (!account.ok()) return account.status();
  absl::StatusOr<TemplateSubmission> submitted = reviewer_.SubmitTemplate(*account, *checked);
  if (!submitted.ok()) return submitted.status();
  absl::Time now = absl::Now();
  storage::TemplateRecord record = RecordOf(property_id, *std::move(checked));
  record.definition.set_status(submitted->status);
  record.definition.set_provider_template_id(submitted->provider_template_id);
  Stamp(record.definition, now, /*created=*/true);
  if (submitted->later_status != v1::TEMPLATE_STATUS_UNSPECIFIED) {
    record.review_due_at = now + submitted->later_after;
    record.review_status = submitted->later_status;
    record.review_reason = submitted->later_reason;
  }
  absl::Status stored = db_.Transaction([&]() -> absl::Status {
    if (auto s = templates_.Insert(record); !s.ok()) return s;
    return Changed(property_id, record.definition, v1::TEMPLATE_STATUS_UNSPECIFIED);
  });
  if (!stored.ok()) return stored;
  return record.definition;
}

absl::StatusOr<TemplateList> TemplateService::List(const std::string& property_id,
                                                   const TemplateQuery& query) {
  if (auto s = EnsureCatalog(property_id); !s.ok()) return s;
  storage::TemplateFilter filter;
  filter.property_id = property_id;
  filter.language = query.language;
  filter.label = query.category;
  v1::TemplateCategory category;
  if (v1::TemplateCategory_Parse(
          absl::StrCat("TEMPLATE_CATEGORY_", absl::AsciiStrToUpper(query.category)), &category)) {
    filter.category = category;
  }
  filter.status = query.status;
  ASSIGN_OR_RETURN(int limit, PageLimit(query.page_size));
  if (!query.page_token.empty()) RETURN_IF_ERROR(DecodePageToken(query.page_token, filter));
  filter.limit = limit + 1;
  ASSIGN_OR_RETURN(std::vector<storage::TemplateRecord> rows,
                   storage::ReadValue(db_, [&] { return templates_.List(filter); }));
  TemplateList list;
  for (storage::TemplateRecord& r : rows) list.templates.push_back(std::move(r.definition));
  list.next_page_token = TrimPage(list.templates, limit, EncodePageToken);
  return list;
}

absl::StatusOr<v1::Template> TemplateService::Get(const std::string& property_id,
                                                  const std::string& name,
                                                  const std::string& language) {
  if (auto s = EnsureCatalog(property_id); !s.ok()) return s;
  absl::StatusOr<std::vector<storage::TemplateRecord>> found =
      storage::ReadValue(db_, [&] { return templates_.ByName(property_id, name); });
  if (!found.ok()) return found.status();
  const storage::TemplateRecord* pick = nullptr;
  for (const storage::TemplateRecord& r : *found) {
    if (!language.empty()) {
      if (r.definition.language() == language) pick = &r;
    } else if (pick == nullptr || (r.definition.status() == v1::TEMPLATE_STATUS_APPROVED &&
                                   pick->definition.status() != v1::TEMPLATE_STATUS_APPROVED)) {
      pick = &r;
    }
  }
  if (pick == nullptr) {
    return Error(absl::StatusCode::kNotFound, "TEMPLATE_NOT_FOUND",
                 absl::StrCat("template ", name, language.empty() ? "" : " (" + language + ")",
                              " not found"))
        .Detail("template_name", name)
        .Detail("language", language);
  }
  return pick->definition;
}

absl::StatusOr<storage::TemplateRecord> TemplateService::FindForSend(const std::string& property_id,
                                                                     const std::string& name,
                                                                     const std::string& language) {
  if (name.empty()) return InvalidArgument("template_name is required", "template_name");
  if (language.empty()) return InvalidArgument("language is required", "language");
  absl::StatusOr<std::optional<storage::TemplateRecord>> found =
      storage::ReadValue(db_, [&] { return templates_.Get(property_id, name, language); });
  if (!found.ok()) return found.status();
  if (*found && (*found)->definition.status() == v1::TEMPLATE_STATUS_APPROVED) return **found;
  // Only a refused send pays for the list of what would have worked.
  storage::TemplateFilter approved;
  approved.property_id = property_id;
  approved.status = v1::TEMPLATE_STATUS_APPROVED;
  approved.limit = kMaxSuggestionScan;
  absl::StatusOr<std::vector<storage::TemplateRecord>> listed =
      storage::ReadValue(db_, [&] { return templates_.List(approved); });
  if (!listed.ok()) return listed.status();
  return TemplateNotFound(name, language, *found ? &(*found)->definition : nullptr,
                          ClosestApproved(*listed, name));
}

absl::StatusOr<storage::MessageRecord> TemplateService::Send(const Caller& caller,
                                                             TemplateSend send) {
  if (auto s = EnsureCatalog(caller.property_id); !s.ok()) return s;
  absl::StatusOr<storage::TemplateRecord> found =
      FindForSend(caller.property_id, send.template_name, send.language);
  if (!found.ok()) return found.status();
  const v1::Template& t = found->definition;
  absl::StatusOr<RenderedTemplate> rendered =
      RenderTemplate(t, send.parameters, send.header_media_link);
  if (!rendered.ok()) return rendered.status();
  OutboundRequest request;
  request.guest_phone = std::move(send.guest_phone);
  request.guest_user_id = std::move(send.guest_user_id);
  request.conversation_id = std::move(send.conversation_id);
  request.staff_member_id = std::move(send.staff_member_id);
  request.from_phone_number_id = std::move(send.from_phone_number_id);
  request.body = std::move(rendered->text);
  *request.content.mutable_template_() = std::move(rendered->content);
  request.marketing = t.category() == v1::TEMPLATE_CATEGORY_MARKETING;
  request.conversation_metadata = std::move(send.conversation_metadata);
  request.timing = std::move(send.timing);
  request.in_transaction = std::move(send.in_transaction);
  return messaging_.SendTemplate(caller, std::move(request));
}

absl::Status TemplateService::Check(const std::string& property_id, const TemplateSend& send) {
  if (auto s = EnsureCatalog(property_id); !s.ok()) return s;
  absl::StatusOr<storage::TemplateRecord> found =
      FindForSend(property_id, send.template_name, send.language);
  if (!found.ok()) return found.status();
  return RenderTemplate(found->definition, send.parameters, send.header_media_link).status();
}

absl::StatusOr<SenderNumber> TemplateService::AccountOf(const std::string& property_id) {
  std::optional<SenderNumber> number =
      properties_ != nullptr ? properties_->DefaultNumber(property_id) : std::nullopt;
  if (number) return *number;
  // The sandbox reviews without an account; the Cloud API needs the
  // property's business account, which its default number names.
  if (properties_ == nullptr || !messaging_.RequiresNumber()) return SenderNumber{};
  return Error(absl::StatusCode::kFailedPrecondition, "FAILED_PRECONDITION",
               absl::StrCat("property ", property_id,
                            " has no WhatsApp number, so no business account for its templates: "
                            "add one with `wa-server properties add-number`"))
      .Detail("property_id", property_id)
      .Detail("missing", "waba_id");
}

absl::Status TemplateService::ApplyReportInTransaction(const std::string& property_id,
                                                       const TemplateStatusReport& report) {
  if (report.status == v1::TEMPLATE_STATUS_UNSPECIFIED) return absl::OkStatus();
  absl::StatusOr<std::optional<storage::TemplateRecord>> found =
      report.provider_template_id.empty()
          ? std::optional<storage::TemplateRecord>()
          : templates_.ByProviderId(property_id, report.provider_template_id);
  if (!found.ok()) return found.status();
  if (!*found) found = templates_.Get(property_id, report.name, report.language);
  if (!found.ok()) return found.status();
  if (!*found) {
    util::LogInfo("template status for unknown template ", report.name, " (", report.language,
                  "): ignored");
    return absl::OkStatus();
  }
  storage::TemplateRecord& r = **found;
  v1::TemplateStatus previous = r.definition.status();
  r.definition.set_status(report.status);
  r.definition.set_rejection_reason(report.status == v1::TEMPLATE_STATUS_REJECTED ? report.reason
                                                                                  : "");
  if (!report.provider_template_id.empty()) {
    r.definition.set_provider_template_id(report.provider_template_id);
  }
  Stamp(r.definition, absl::Now(), /*created=*/false);
  r.review_due_at.reset();
  r.review_status = v1::TEMPLATE_STATUS_UNSPECIFIED;
  r.review_reason.clear();
  if (auto s = templates_.Put(r); !s.ok()) return s;
  return previous == report.status ? absl::OkStatus()
                                   : Changed(r.property_id, r.definition, previous);
}

absl::Status TemplateService::Changed(const std::string& property_id, const v1::Template& after,
                                      v1::TemplateStatus previous) {
  return EmitTemplateStatusChanged(outbox_, property_id, after, previous);
}

absl::StatusOr<std::optional<absl::Time>> TemplateService::ApplyDueReviews(absl::Time now) {
  absl::StatusOr<std::vector<storage::TemplateRecord>> due =
      storage::ReadValue(db_, [&] { return templates_.ReviewsDue(now, kReviewBatch); });
  if (!due.ok()) return due.status();
  for (const storage::TemplateRecord& r : *due) {
    TemplateStatusReport report{r.definition.provider_template_id(), r.definition.name(),
                                r.definition.language(), r.review_status, r.review_reason};
    // Taken in the transaction that applies it: of several instances that
    // read the same due review, one applies it.
    auto apply = [&]() -> absl::Status {
      absl::StatusOr<bool> mine =
          templates_.TakeReview(r.property_id, r.definition.name(), r.definition.language(), now);
      if (!mine.ok() || !*mine) return mine.status();
      return ApplyReportInTransaction(r.property_id, report);
    };
    if (auto s = db_.Transaction(apply); !s.ok()) {
      return s;
    }
  }
  return storage::ReadValue(db_, [&] { return templates_.NextReview(); });
}

absl::StatusOr<std::pair<std::vector<v1::Template>, int>> TemplateService::Sync(
    const std::string& property_id) {
  absl::StatusOr<SenderNumber> account = AccountOf(property_id);
  if (!account.ok()) return account.status();
  absl::StatusOr<std::vector<v1::Template>> remote = reviewer_.FetchTemplates(*account);
  if (!remote.ok()) return remote.status();
  int changed = 0;
  absl::Status status = db_.Transaction([&]() -> absl::Status {
    // From the start each run: a transaction that lost a race runs again.
    changed = 0;
    absl::Time now = absl::Now();
    for (v1::Template t : *remote) {
      absl::StatusOr<std::optional<storage::TemplateRecord>> local =
          templates_.Get(property_id, t.name(), t.language());
      if (!local.ok()) return local.status();
      v1::Template merged = Merge(std::move(t), *local);
      if (*local) {
        v1::Template before = (*local)->definition;
        *merged.mutable_updated_at() = before.updated_at();
        if (google::protobuf::util::MessageDifferencer::Equals(before, merged)) continue;
      }
      Stamp(merged, now, /*created=*/!*local);
      ++changed;
      v1::TemplateStatus previous =
          *local ? (*local)->definition.status() : v1::TEMPLATE_STATUS_UNSPECIFIED;
      if (auto s = templates_.Put(RecordOf(property_id, merged)); !s.ok()) return s;
      if (previous != merged.status()) {
        if (auto s = Changed(property_id, merged, previous); !s.ok()) return s;
      }
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  TemplateQuery everything;
  everything.page_size = kListPage.max_size;
  absl::StatusOr<TemplateList> all = List(property_id, everything);
  if (!all.ok()) return all.status();
  return std::make_pair(std::move(all->templates), changed);
}

}  // namespace wa::domain
