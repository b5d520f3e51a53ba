# Generates C++ (and gRPC) code for the project's protos and for the
# third-party protos they import, which Debian ships as .proto files only.
set(GOOGLEAPIS_DIR
    /usr/share/gocode/src/github.com/grpc-ecosystem/grpc-gateway/third_party/googleapis)
set(GRPC_PROTO_DIR /usr/share/grpc-proto)
set(PROTO_GEN_DIR ${CMAKE_BINARY_DIR}/gen)
file(MAKE_DIRECTORY ${PROTO_GEN_DIR})
get_target_property(GRPC_CPP_PLUGIN gRPC::grpc_cpp_plugin LOCATION)

set(PROJECT_PROTOS
    hotel/whatsapp/v1/common.proto
    hotel/whatsapp/v1/audit.proto
    hotel/whatsapp/v1/messages.proto
    hotel/whatsapp/v1/conversations.proto
    hotel/whatsapp/v1/templates.proto
    hotel/whatsapp/v1/media.proto
    hotel/whatsapp/v1/webhooks.proto
    hotel/whatsapp/v1/admin.proto
    hotel/whatsapp/v1/properties.proto
    hotel/whatsapp/v1/sandbox.proto
    hotel/whatsapp/v1/content.proto
    hotel/whatsapp/v1/consent.proto
    hotel/whatsapp/v1/provider_callbacks.proto
    hotel/whatsapp/v1/sse.proto
    hotel/whatsapp/v1/events.proto
    hotel/whatsapp/v1/guest_data.proto
    hotel/whatsapp/v1/automation.proto)
set(THIRD_PARTY_PROTOS
    "${GOOGLEAPIS_DIR}|google/api/annotations.proto|0"
    "${GOOGLEAPIS_DIR}|google/api/http.proto|0"
    "${GOOGLEAPIS_DIR}|google/rpc/status.proto|0"
    "${GRPC_PROTO_DIR}|grpc/health/v1/health.proto|0")
foreach(p ${PROJECT_PROTOS})
  list(APPEND ALL_PROTOS "${CMAKE_SOURCE_DIR}/proto|${p}|1")
endforeach()
list(APPEND ALL_PROTOS ${THIRD_PARTY_PROTOS})

# Every project proto, for the generated code's dependencies: a file's
# generated descriptor embeds the options it uses from its imports (their
# field numbers), so a change to any project proto regenerates them all.
set(PROJECT_PROTO_FILES)
foreach(p ${PROJECT_PROTOS})
  list(APPEND PROJECT_PROTO_FILES ${CMAKE_SOURCE_DIR}/proto/${p})
endforeach()

set(PROTO_SRCS)
set(PROTO_DESCRIPTOR_INPUTS)
foreach(entry ${ALL_PROTOS})
  string(REPLACE "|" ";" parts "${entry}")
  list(GET parts 0 root)
  list(GET parts 1 rel)
  list(GET parts 2 with_grpc)
  string(REGEX REPLACE "\\.proto$" "" base "${rel}")
  set(outs ${PROTO_GEN_DIR}/${base}.pb.cc ${PROTO_GEN_DIR}/${base}.pb.h)
  set(grpc_args)
  if(with_grpc)
    list(APPEND outs ${PROTO_GEN_DIR}/${base}.grpc.pb.cc ${PROTO_GEN_DIR}/${base}.grpc.pb.h)
    set(grpc_args --grpc_out=${PROTO_GEN_DIR} --plugin=protoc-gen-grpc=${GRPC_CPP_PLUGIN})
  endif()
  add_custom_command(
    OUTPUT ${outs}
    COMMAND protobuf::protoc
      -I${CMAKE_SOURCE_DIR}/proto -I${GOOGLEAPIS_DIR} -I${GRPC_PROTO_DIR} -I/usr/include
      --cpp_out=${PROTO_GEN_DIR} ${grpc_args} ${root}/${rel}
    DEPENDS ${root}/${rel} ${PROJECT_PROTO_FILES} protobuf::protoc
    COMMENT "protoc ${rel}")
  list(APPEND PROTO_SRCS ${outs})
endforeach()

add_library(wa_proto STATIC ${PROTO_SRCS})
target_include_directories(wa_proto PUBLIC $<BUILD_INTERFACE:${PROTO_GEN_DIR}>)
target_link_libraries(wa_proto PUBLIC gRPC::grpc++ protobuf::libprotobuf)
# Generated code is not ours to lint.
set_target_properties(wa_proto PROPERTIES CXX_CLANG_TIDY "")

# The whole contract as one FileDescriptorSet (imports included), for tools
# and tests that read the API from its descriptors rather than from code.
set(CONTRACT_DESCRIPTOR_SET ${CMAKE_BINARY_DIR}/contract.binpb)
set(PROJECT_PROTO_PATHS)
foreach(p ${PROJECT_PROTOS})
  list(APPEND PROJECT_PROTO_PATHS ${CMAKE_SOURCE_DIR}/proto/${p})
endforeach()
add_custom_command(
  OUTPUT ${CONTRACT_DESCRIPTOR_SET}
  COMMAND protobuf::protoc
    -I${CMAKE_SOURCE_DIR}/proto -I${GOOGLEAPIS_DIR} -I${GRPC_PROTO_DIR} -I/usr/include
    --include_imports --include_source_info --descriptor_set_out=${CONTRACT_DESCRIPTOR_SET}
    ${PROJECT_PROTOS}
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}/proto
  DEPENDS ${PROJECT_PROTO_PATHS} protobuf::protoc
  COMMENT "protoc descriptor set of the contract")
add_custom_target(wa_contract_descriptors ALL DEPENDS ${CONTRACT_DESCRIPTOR_SET})
