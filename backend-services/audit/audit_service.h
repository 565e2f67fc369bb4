#pragma once

// The audit service: every OPD event into an append-only, hash-chained log; query it by
// patient, staff and time; verify the chain.

#include "host/service_host.h"
#include "protocol/audit_api.h"

#include <QCoreApplication>

namespace openopd::audit {

class AuditService
{
    Q_DECLARE_TR_FUNCTIONS(openopd::audit::AuditService)

public:
    explicit AuditService(host::ServiceHost& host) : m_host(host) {}

    static void addMigrations(host::Migrations& migrations);
    bool start();

private:
    void query(const protocol::AuditQueryRequest& request,
               bus::Replier<protocol::AuditQueryReply> replier);
    void verify(const protocol::AuditVerifyRequest& request,
                bus::Replier<protocol::AuditVerifyReply> replier);

    host::ServiceHost& m_host;
};

} // namespace openopd::audit
