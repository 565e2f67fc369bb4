#pragma once

// The payload of the list.*_changed events: a work list (the doctor's queue, pending
// prescriptions, pending lab orders, pending releases) changed for one visit. A client that
// shows the list keeps it live by replacing the visit's rows with `rows`.

#include "protocol/consultation.h"
#include "protocol/discharge.h"
#include "protocol/lab.h"
#include "protocol/limits.h"
#include "protocol/pharmacy.h"
#include "protocol/visit.h"

namespace openopd::protocol {

// What happened to the visit's rows: they appeared, changed, or left the list.
enum class ListChangeKind { Added, Updated, Removed };

template <> struct EnumTraits<ListChangeKind>
{
    static constexpr std::array kEntries{
        EnumEntry<ListChangeKind>{ListChangeKind::Added, "added"},
        EnumEntry<ListChangeKind>{ListChangeKind::Updated, "updated"},
        EnumEntry<ListChangeKind>{ListChangeKind::Removed, "removed"}};
};

// At most this many rows of one visit (lab orders: one per order line).
inline constexpr qsizetype kMaxListChangeRows = 64;

// One visit's rows of a work list after a change.
//   visit_id, patient_id   UUIDs: the visit whose rows changed
//   change                 added | updated | removed
//   rows                   every row the list endpoint would now return for this visit
//                          (0..64, each with this visit_id and patient_id); empty exactly when
//                          removed
template <class Row> struct ListChange
{
    QString visitId;
    QString patientId;
    ListChangeKind change = ListChangeKind::Added;
    QList<Row> rows;

    bool operator==(const ListChange&) const = default;

    QJsonObject toJson() const
    {
        QJsonObject object{{QStringLiteral("visit_id"), visitId},
                           {QStringLiteral("patient_id"), patientId}};
        json::putEnum(object, QStringLiteral("change"), change);
        object.insert(QStringLiteral("rows"), json::toArray(rows));
        return object;
    }

    static ListChange read(json::Reader& reader)
    {
        ListChange value;
        value.visitId = reader.requiredId(QStringLiteral("visit_id"));
        value.patientId = reader.requiredId(QStringLiteral("patient_id"));
        value.change = reader.requiredEnum(QStringLiteral("change"), ListChangeKind::Added);
        value.rows = reader.list<Row>(QStringLiteral("rows"), kMaxListChangeRows, true);
        if (!reader.ok())
            return value;
        if (value.rows.isEmpty() != (value.change == ListChangeKind::Removed))
            reader.fail(QStringLiteral("rows"),
                        value.rows.isEmpty()
                            ? Text::tr("must not be empty unless change is removed")
                            : Text::tr("must be empty when change is removed"));
        for (qsizetype i = 0; reader.ok() && i < value.rows.size(); ++i) {
            if (value.rows.at(i).visitId != value.visitId)
                reader.fail(QStringLiteral("rows[%1].visit_id").arg(i),
                            Text::tr("must equal visit_id"));
            else if (value.rows.at(i).patientId != value.patientId)
                reader.fail(QStringLiteral("rows[%1].patient_id").arg(i),
                            Text::tr("must equal patient_id"));
        }
        return value;
    }

    static bus::Result<ListChange> fromJson(const QJsonObject& object)
    {
        return json::decodeObject<ListChange>(object);
    }
};

} // namespace openopd::protocol
