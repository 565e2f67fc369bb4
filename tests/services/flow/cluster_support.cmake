# openopd_cluster_support: OpdCluster (nats-server + the five services as processes) and the
# flow helpers, for the flow tests (tests/services/flow) and `opd-bench flow` (bench/).
# Included by both; defines the library once. Needs openopd_test_support and the five service
# targets; builds openopd_service_test_support here when the tests are not configured.
if(TARGET openopd_cluster_support)
  return()
endif()
set(_flow_dir ${PROJECT_SOURCE_DIR}/tests/services/flow)
set(_host_tests ${PROJECT_SOURCE_DIR}/tests/host)

if(NOT TARGET openopd_service_test_support)
  add_library(openopd_service_test_support STATIC
    ${_host_tests}/service/service_process.cpp ${_host_tests}/service/service_process.h
    ${_host_tests}/service/jetstream_probe.cpp ${_host_tests}/service/jetstream_probe.h)
  target_include_directories(openopd_service_test_support PUBLIC ${_host_tests})
  target_link_libraries(openopd_service_test_support
    PUBLIC openopd_bus Qt6::Test PRIVATE openopd_build_options)
endif()

add_library(openopd_cluster_support STATIC
  ${_flow_dir}/opd_cluster.cpp ${_flow_dir}/opd_cluster_nats.cpp ${_flow_dir}/opd_cluster.h
  ${_flow_dir}/flow_support.cpp ${_flow_dir}/flow_support.h
  ${_flow_dir}/staff_desk.cpp ${_flow_dir}/staff_desk.h
  ${_host_tests}/micro_shapes.cpp ${_host_tests}/micro_shapes.h)
target_include_directories(openopd_cluster_support PUBLIC ${_flow_dir} ${_host_tests})
target_link_libraries(openopd_cluster_support
  PUBLIC openopd_protocol openopd_bus openopd_service_test_support openopd_test_support Qt6::Test
         openopd_nats_auth openopd_access
  PRIVATE openopd_build_options)
target_compile_definitions(openopd_cluster_support PRIVATE
  OPENOPD_REGISTRATION_BIN="$<TARGET_FILE:openopd-registration>"
  OPENOPD_CONSULTATION_BIN="$<TARGET_FILE:openopd-consultation>"
  OPENOPD_PHARMACY_BIN="$<TARGET_FILE:openopd-pharmacy>"
  OPENOPD_DISCHARGE_BIN="$<TARGET_FILE:openopd-discharge>"
  OPENOPD_AUDIT_BIN="$<TARGET_FILE:openopd-audit>"
  OPENOPD_IDENTITY_BIN="$<TARGET_FILE:openopd-identity>"
  OPENOPD_NATS_AUTH_BIN="$<TARGET_FILE:openopd-nats-auth>")
# Whatever links the cluster gets the service executables built first.
add_dependencies(openopd_cluster_support
  openopd-registration openopd-consultation openopd-pharmacy openopd-discharge openopd-audit
  openopd-identity openopd-nats-auth)
