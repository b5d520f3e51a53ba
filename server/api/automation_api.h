#pragma once

#include "hotel/whatsapp/v1/automation.grpc.pb.h"
#include "server/api/handler.h"
#include "server/domain/automation_service.h"

namespace wa::api {

// Routing and automatic replies (admin only): the property's rules, their
// dry run, and its departments with their business hours.
class AutomationApi : public hotel::whatsapp::v1::AutomationService::CallbackService {
 public:
  AutomationApi(const CallRunner& calls, domain::AutomationService& automation)
      : calls_(calls), automation_(automation) {}

  grpc::ServerUnaryReactor* CreateRule(grpc::CallbackServerContext* context,
                                       const hotel::whatsapp::v1::CreateRuleRequest* request,
                                       hotel::whatsapp::v1::AutomationRule* response) override;
  grpc::ServerUnaryReactor* ListRules(grpc::CallbackServerContext* context,
                                      const hotel::whatsapp::v1::ListRulesRequest* request,
                                      hotel::whatsapp::v1::ListRulesResponse* response) override;
  grpc::ServerUnaryReactor* GetRule(grpc::CallbackServerContext* context,
                                    const hotel::whatsapp::v1::GetRuleRequest* request,
                                    hotel::whatsapp::v1::AutomationRule* response) override;
  grpc::ServerUnaryReactor* UpdateRule(grpc::CallbackServerContext* context,
                                       const hotel::whatsapp::v1::UpdateRuleRequest* request,
                                       hotel::whatsapp::v1::AutomationRule* response) override;
  grpc::ServerUnaryReactor* DeleteRule(grpc::CallbackServerContext* context,
                                       const hotel::whatsapp::v1::DeleteRuleRequest* request,
                                       hotel::whatsapp::v1::DeleteRuleResponse* response) override;
  grpc::ServerUnaryReactor* ReorderRules(grpc::CallbackServerContext* context,
                                         const hotel::whatsapp::v1::ReorderRulesRequest* request,
                                         hotel::whatsapp::v1::ListRulesResponse* response) override;
  grpc::ServerUnaryReactor* TestRules(grpc::CallbackServerContext* context,
                                      const hotel::whatsapp::v1::TestRulesRequest* request,
                                      hotel::whatsapp::v1::TestRulesResponse* response) override;
  grpc::ServerUnaryReactor* PutDepartment(grpc::CallbackServerContext* context,
                                          const hotel::whatsapp::v1::PutDepartmentRequest* request,
                                          hotel::whatsapp::v1::Department* response) override;
  grpc::ServerUnaryReactor* ListDepartments(
      grpc::CallbackServerContext* context,
      const hotel::whatsapp::v1::ListDepartmentsRequest* request,
      hotel::whatsapp::v1::ListDepartmentsResponse* response) override;

 private:
  const CallRunner& calls_;
  domain::AutomationService& automation_;
};

}  // namespace wa::api
