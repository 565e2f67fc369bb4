#include "protocol/staff.h"

#include "protocol/limits.h"
#include "protocol/validation.h"

namespace openopd::protocol {

QJsonObject StaffRef::toJson() const
{
    QJsonObject object{{QStringLiteral("id"), id}, {QStringLiteral("name"), name}};
    json::putEnum(object, QStringLiteral("role"), role);
    return object;
}

StaffRef StaffRef::read(json::Reader& reader)
{
    StaffRef staff;
    staff.id = reader.requiredText(
        QStringLiteral("id"), limits::kStaffId, isValidStaffId,
        Text::tr("must start with a letter or digit and contain only letters, digits, '.', '_', "
                 "'@' and '-'"));
    staff.name = reader.requiredString(QStringLiteral("name"), limits::kName);
    staff.role = reader.requiredEnum(QStringLiteral("role"), StaffRole::Reception);
    return staff;
}

QJsonObject staffMessage(const StaffRef& staff)
{
    QJsonObject object = json::messageObject();
    object.insert(QStringLiteral("staff"), staff.toJson());
    return object;
}

StaffRef readStaff(json::Reader& reader)
{
    return reader.requiredObject<StaffRef>(QStringLiteral("staff"));
}

} // namespace openopd::protocol
