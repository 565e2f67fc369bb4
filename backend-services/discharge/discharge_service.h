#pragma once

// The discharge service (the book's "release"): lists visits whose clinical work is done and
// records how each ends (discharged / admitted / referred), publishing visit.discharged.

#include "host/service_host.h"
#include "protocol/discharge_api.h"

#include <QCoreApplication>

namespace openopd::discharge {

class DischargeService
{
    Q_DECLARE_TR_FUNCTIONS(openopd::discharge::DischargeService)

public:
    explicit DischargeService(host::ServiceHost& host) : m_host(host) {}

    static void addMigrations(host::Migrations& migrations);
    // Registers the endpoints and consumers; called once the host is ready.
    bool start();

private:
    void pending(const protocol::PendingReleasesRequest& request,
                 bus::Replier<protocol::PendingReleasesReply> replier);
    void record(const protocol::RecordDischargeRequest& request,
                bus::Replier<protocol::DischargeReply> replier);
    void get(const protocol::GetReleaseRequest& request,
             bus::Replier<protocol::ReleaseStatusReply> replier); // release_read.cpp

    host::ServiceHost& m_host;
};

} // namespace openopd::discharge
