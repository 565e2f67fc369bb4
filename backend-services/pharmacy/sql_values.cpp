#include "pharmacy/sql_values.h"

#include "host/incident.h"
#include "host/sql_dialect.h"
#include "pharmacy/pharmacy_text.h"
#include "protocol/validation.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace openopd::pharmacy {

QString unavailableText(const QString& error)
{
    return host::unavailableMessage(error);
}

QString staffToText(const protocol::StaffRef& staff)
{
    return QString::fromUtf8(QJsonDocument(staff.toJson()).toJson(QJsonDocument::Compact));
}

protocol::StaffRef staffFromText(const QVariant& text)
{
    const QJsonObject object = QJsonDocument::fromJson(text.toString().toUtf8()).object();
    auto staff = protocol::StaffRef::fromJson(object);
    if (staff)
        return staff.value();
    // Only a damaged row gets here; keep the reply valid and say so.
    return {QStringLiteral("unknown"), QStringLiteral("unknown"), protocol::StaffRole::System};
}

QString timeToText(const QDateTime& time)
{
    return host::SqlDialect::utcTimestamp(time);
}

QDateTime timeFromText(const QVariant& text)
{
    if (text.isNull())
        return {};
    return protocol::parseTimestamp(text.toString());
}

QString dateToText(QDate date)
{
    return protocol::formatDate(date);
}

QDate dateFromText(const QVariant& text)
{
    return protocol::parseDate(text.toString());
}

QVariant textOrNull(const QString& text)
{
    if (text.isEmpty())
        return QVariant(QMetaType::fromType<QString>());
    return text;
}

bool withinReplyBudget(qsizetype* used, const QJsonObject& item)
{
    *used += QJsonDocument(item).toJson(QJsonDocument::Compact).size() + 1;
    return *used <= kReplyBudgetBytes;
}

QDate clinicToday()
{
    return QDate::currentDate();
}

} // namespace openopd::pharmacy
