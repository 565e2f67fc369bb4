#include "consultation/consultation_rows.h"

#include "bus/codec.h"

namespace openopd::consultation::rows {

using protocol::QueueEntry;
using protocol::StaffRef;
using protocol::VisitState;

const QString kVisitColumns = QStringLiteral(
    "visit_id, patient_id, patient_name, queue_name, visit_day, token, priority, state,"
    " complaint, registered_at, called_at, called_by_id, called_by, room, started_at,"
    " started_by, consultation_id, closed_reason, review_of, review_doctor_id, dispensed_at");

QString stamp(const QDateTime& time)
{
    return protocol::formatTimestamp(time);
}

QVariant nullable(const QString& text)
{
    return text.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(text);
}

QString staffText(const StaffRef& staff)
{
    return QString::fromUtf8(bus::Codec<QJsonObject>::encode(staff.toJson()));
}

std::optional<StaffRef> staffFrom(const QString& text)
{
    if (text.isEmpty())
        return std::nullopt;
    const auto object = bus::parseJsonObject(text.toUtf8());
    if (!object)
        return std::nullopt;
    const auto staff = StaffRef::fromJson(*object);
    return staff ? std::optional<StaffRef>(*staff) : std::nullopt;
}

namespace {
template <class E> E enumOr(const QString& wire, E fallback)
{
    return protocol::enumFromWire<E>(wire).value_or(fallback);
}
} // namespace

VisitRecord readVisit(const QSqlQuery& q)
{
    VisitRecord record;
    QueueEntry& e = record.entry;
    e.visitId = q.value(0).toString();
    e.patientId = q.value(1).toString();
    e.patientName = q.value(2).toString();
    e.queue = q.value(3).toString();
    e.day = protocol::parseDate(q.value(4).toString());
    e.token = q.value(5).toInt();
    e.priority = enumOr(q.value(6).toString(), protocol::Priority::Normal);
    e.state = enumOr(q.value(7).toString(), VisitState::Registered);
    e.complaint = q.value(8).toString();
    e.registeredAt = protocol::parseTimestamp(q.value(9).toString());
    e.calledAt = protocol::parseTimestamp(q.value(10).toString());
    record.calledById = q.value(11).toString();
    e.calledBy = staffFrom(q.value(12).toString());
    e.room = q.value(13).toString();
    record.startedAt = protocol::parseTimestamp(q.value(14).toString());
    record.startedBy = staffFrom(q.value(15).toString());
    record.consultationId = q.value(16).toString();
    record.closedReason = q.value(17).toString();
    e.reviewOf = q.value(18).toString();
    record.reviewDoctorId = q.value(19).toString();
    record.dispensedAt = protocol::parseTimestamp(q.value(20).toString());
    return record;
}

QString wire(VisitState state)
{
    return protocol::toWire(state);
}

} // namespace openopd::consultation::rows
