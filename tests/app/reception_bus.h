#pragma once

// What another reception desk does straight on the bus, for the GUI tests: register a patient
// (as the signed-in demo user "reception"; a duplicate name is registered anyway).

#include "flow_support.h"
#include "protocol/endpoints.h"

#include <QDate>

namespace openopd::testing {

inline protocol::Patient registerPatientOnBus(bus::Connection& connection, const QString& name,
                                              QDate dateOfBirth = QDate(1990, 4, 12),
                                              protocol::Sex sex = protocol::Sex::Female)
{
    protocol::CreatePatientRequest request;
    request.staff = {QStringLiteral("reception"), QStringLiteral("Reception"),
                     protocol::StaffRole::Reception};
    request.patient.fullName = name;
    request.patient.dateOfBirth = dateOfBirth;
    request.patient.sex = sex;
    request.confirmDuplicate = true;
    auto reply = flow::call(connection, protocol::kCreatePatient, request);
    if (!reply || !reply->patient)
        qFatal("patient.create failed: %s", qPrintable(reply.error().toString()));
    return *reply->patient;
}

} // namespace openopd::testing
