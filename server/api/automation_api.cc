#include "server/api/automation_api.h"

#include "absl/time/clock.h"
#include "server/api/proto_mapping.h"
#include "server/domain/errors.h"

namespace wa::api {

namespace v1 = ::hotel::whatsapp::v1;

namespace {

absl::Status ToList(absl::StatusOr<std::vector<v1::AutomationRule>> rules,
                    v1::ListRulesResponse* response) {
  if (!rules.ok()) return rules.status();
  for (v1::AutomationRule& r : *rules) *response->add_rules() = std::move(r);
  return absl::OkStatus();
}

absl::Status ToRule(absl::StatusOr<v1::AutomationRule> rule, v1::AutomationRule* response) {
  if (!rule.ok()) return rule.status();
  *response = *std::move(rule);
  return absl::OkStatus();
}

}  // namespace

grpc::ServerUnaryReactor* AutomationApi::CreateRule(grpc::CallbackServerContext* context,
                                                    const v1::CreateRuleRequest* request,
                                                    v1::AutomationRule* response) {
  return Handle(context, calls_, v1::ROLE_ADMIN, [=, this](const domain::Caller& caller) {
    return ToRule(automation_.Create(caller.property_id, *request), response);
  });
}

grpc::ServerUnaryReactor* AutomationApi::ListRules(grpc::CallbackServerContext* context,
                                                   const v1::ListRulesRequest* /*request*/,
                                                   v1::ListRulesResponse* response) {
  return Handle(context, calls_, v1::ROLE_ADMIN, [=, this](const domain::Caller& caller) {
    return ToList(automation_.List(caller.property_id), response);
  });
}

grpc::ServerUnaryReactor* AutomationApi::GetRule(grpc::CallbackServerContext* context,
                                                 const v1::GetRuleRequest* request,
                                                 v1::AutomationRule* response) {
  return Handle(context, calls_, v1::ROLE_ADMIN, [=, this](const domain::Caller& caller) {
    return ToRule(automation_.Get(caller.property_id, request->rule_id()), response);
  });
}

grpc::ServerUnaryReactor* AutomationApi::UpdateRule(grpc::CallbackServerContext* context,
                                                    const v1::UpdateRuleRequest* request,
                                                    v1::AutomationRule* response) {
  return Handle(context, calls_, v1::ROLE_ADMIN, [=, this](const domain::Caller& caller) {
    return ToRule(automation_.Update(caller.property_id, *request), response);
  });
}

grpc::ServerUnaryReactor* AutomationApi::DeleteRule(grpc::CallbackServerContext* context,
                                                    const v1::DeleteRuleRequest* request,
                                                    v1::DeleteRuleResponse* response) {
  return Handle(context, calls_, v1::ROLE_ADMIN, [=, this](const domain::Caller& caller) {
    absl::Status s = automation_.Delete(caller.property_id, request->rule_id());
    if (s.ok()) response->set_rule_id(request->rule_id());
    return s;
  });
}

grpc::ServerUnaryReactor* AutomationApi::ReorderRules(grpc::CallbackServerContext* context,
                                                      const v1::ReorderRulesRequest* request,
                                                      v1::ListRulesResponse* response) {
  return Handle(context, calls_, v1::ROLE_ADMIN, [=, this](const domain::Caller& caller) {
    std::vector<std::string> ids(request->rule_ids().begin(), request->rule_ids().end());
    return ToList(automation_.Reorder(caller.property_id, ids), response);
  });
}

grpc::ServerUnaryReactor* AutomationApi::TestRules(grpc::CallbackServerContext* context,
                                                   const v1::TestRulesRequest* request,
                                                   v1::TestRulesResponse* response) {
  return Handle(context, calls_, v1::ROLE_ADMIN, [=, this](const domain::Caller& caller) {
    const absl::Time at = request->has_at() ? FromTimestamp(request->at()) : absl::Now();
    absl::StatusOr<v1::TestRulesResponse> result =
        automation_.Test(caller.property_id, request->message(), at);
    if (!result.ok()) return result.status();
    *response = *std::move(result);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* AutomationApi::PutDepartment(grpc::CallbackServerContext* context,
                                                       const v1::PutDepartmentRequest* request,
                                                       v1::Department* response) {
  return Handle(context, calls_, v1::ROLE_ADMIN, [=, this](const domain::Caller& caller) {
    v1::Department department;
    department.set_department(request->department());
    *department.mutable_hours() = request->hours();
    *department.mutable_exceptions() = request->exceptions();
    *department.mutable_after_hours_reply() = request->after_hours_reply();
    absl::StatusOr<v1::Department> put =
        automation_.PutDepartment(caller.property_id, std::move(department), absl::Now());
    if (!put.ok()) return put.status();
    *response = *std::move(put);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* AutomationApi::ListDepartments(
    grpc::CallbackServerContext* context, const v1::ListDepartmentsRequest* /*request*/,
    v1::ListDepartmentsResponse* response) {
  return Handle(context, calls_, v1::ROLE_ADMIN, [=, this](const domain::Caller& caller) {
    absl::StatusOr<std::vector<v1::Department>> departments =
        automation_.ListDepartments(caller.property_id, absl::Now());
    if (!departments.ok()) return departments.status();
    for (v1::Department& d : *departments) *response->add_departments() = std::move(d);
    return absl::OkStatus();
  });
}

}  // namespace wa::api
