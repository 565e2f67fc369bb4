#pragma once

#include "bus/result.h"
#include "protocol/enums.h"
#include "protocol/json_fields.h"

namespace openopd::protocol {

// Who did it: sent with every state-changing request as "staff", and as an event's "actor".
// JSON: {"id": "dr.silva", "name": "Dr Ana Silva", "role": "doctor"}
//   id    staff user id (login name), 1..64, letters, digits and . _ @ -
//   name  display name, 1..200
//   role  reception | doctor | nurse | pharmacist | lab_technician | admin | system
struct StaffRef
{
    QString id;
    QString name;
    StaffRole role = StaffRole::Reception;

    bool operator==(const StaffRef&) const = default;
    QJsonObject toJson() const;
    static StaffRef read(json::Reader& reader);
    static bus::Result<StaffRef> fromJson(const QJsonObject& object)
    {
        return json::decodeObject<StaffRef>(object);
    }
};

// Every state-changing request is {"v": 1, "staff": StaffRef, …}.
QJsonObject staffMessage(const StaffRef& staff);
StaffRef readStaff(json::Reader& reader);

} // namespace openopd::protocol
